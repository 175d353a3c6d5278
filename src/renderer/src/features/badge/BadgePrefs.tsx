import { useEffect, useState } from 'react';
import type { DeskPrefs, PrinterInfo } from '../../../../shared/ipc-schemas';
import { callMain, hasBridge } from '../../lib/bridge';
import { loadDeskPrefs, saveDeskPrefs } from '../../lib/desk-prefs';
import { FormError } from '../../lib/FormError';

/**
 * This desk's badge printing: at every check-in or on demand, and in the desktop app the
 * label printer to print to without a dialog (chosen once per desk).
 */
export function BadgePrefs() {
  const [prefs, setPrefs] = useState<DeskPrefs | null>(null);
  const [printers, setPrinters] = useState<PrinterInfo[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    void loadDeskPrefs().then(setPrefs);
    if (hasBridge()) {
      callMain('print:printers', undefined)
        .then(setPrinters)
        .catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
    }
  }, []);

  const change = (next: DeskPrefs) => {
    setPrefs({ ...prefs, ...next });
    void saveDeskPrefs(next);
  };
  if (!prefs) return null;
  return (
    <fieldset className="badge-prefs">
      <legend>Badges at this desk</legend>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={prefs.autoPrintBadge ?? false}
          onChange={(event) => change({ autoPrintBadge: event.target.checked })}
        />
        Print a badge at every check-in
      </label>
      {printers && (
        <label>
          Label printer
          <select
            value={prefs.badgePrinter ?? ''}
            onChange={(event) => change({ badgePrinter: event.target.value || undefined })}
          >
            <option value="">Ask with the print dialog each time</option>
            {printers.map((printer) => (
              <option key={printer.name} value={printer.name}>
                {printer.displayName}
              </option>
            ))}
          </select>
        </label>
      )}
      {printers?.length === 0 && <p className="hint">No printer is installed on this computer.</p>}
      <FormError error={problem} />
    </fieldset>
  );
}
