import { useState } from 'react';
import { HOST_IMPORT_MAX_BYTES, HOST_IMPORT_MAX_LABEL, type HostImportResult } from '../../../../shared/hosts';
import { useSession } from '../../app/session';
import { Dialog } from '../../lib/Dialog';
import { importHosts, useImportHosts } from '../../queries/admin';
import { FormError } from '../../lib/FormError';

/** A preview this long is plenty to check a file by eye; the counts above it cover the rest. */
const PREVIEW_ROWS = 500;

/**
 * Hosts from a spreadsheet: the file is sent once as a dry run, so the admin sees what
 * will be added, updated and rejected, line by line, before anything changes.
 */
export function HostImport({ onClose }: { onClose: () => void }) {
  const { token } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<HostImportResult | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const commit = useImportHosts(token);

  async function choose(chosen: File | undefined) {
    setPreview(null);
    setProblem(null);
    commit.reset();
    if (!chosen) return;
    if (chosen.size > HOST_IMPORT_MAX_BYTES) {
      setProblem(`The file is larger than ${HOST_IMPORT_MAX_LABEL}; split it into smaller files.`);
      return;
    }
    setFile(chosen);
    setChecking(true);
    try {
      setPreview((await importHosts(token, chosen, true)).data);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setChecking(false);
    }
  }

  const rows = preview?.rows ?? [];
  const done = commit.data?.data;

  return (
    <Dialog title="Import hosts from CSV" onClose={onClose} className="import">
      <p className="hint">
        A header row naming the columns — <code>name</code> (required), <code>email</code>, <code>phone</code>,{' '}
        <code>department</code>, in any order — then one host a row. Comma or semicolon separated, UTF-8. A row whose
        e-mail matches a host updates that host.
      </p>
      <label className="file-pick">
        CSV file
        <input
          type="file"
          accept=".csv,text/csv"
          onChange={(event) => void choose(event.target.files?.[0])}
          disabled={commit.isPending}
        />
      </label>
      {checking && <p role="status">Checking the file…</p>}
      <FormError error={problem} />
      {preview && !done && (
        <div className="import-preview" aria-label="Import preview">
          <p className="import-summary" role="status">
            <strong>{rows.filter((r) => r.action === 'add').length.toLocaleString()}</strong> to add ·{' '}
            <strong>{rows.filter((r) => r.action === 'update').length.toLocaleString()}</strong> to update ·{' '}
            <strong>{preview.rejected.length.toLocaleString()}</strong> rejected
          </p>
          {preview.ignored_columns.length > 0 && (
            <p className="form-error" role="alert">
              These columns are not read: {preview.ignored_columns.join(', ')}. Frontdesk keeps name, e-mail, phone and
              department.
            </p>
          )}
          {preview.rejected.length > 0 && (
            <>
              <h3>Rejected — fix these lines in the file, or import without them</h3>
              <ul className="import-lines rejected">
                {preview.rejected.map((r) => (
                  <li key={r.line}>
                    <span className="line">Line {r.line}</span> {r.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>Will be imported</h3>
          <ul className="import-lines">
            {rows.slice(0, PREVIEW_ROWS).map((r) => (
              <li key={r.line}>
                <span className="line">Line {r.line}</span>
                <span className={`action ${r.action}`}>{r.action === 'add' ? 'Add' : 'Update'}</span> {r.name}
                {r.email ? ` · ${r.email}` : ''}
              </li>
            ))}
          </ul>
          {rows.length > PREVIEW_ROWS && (
            <p className="hint">…and {(rows.length - PREVIEW_ROWS).toLocaleString()} more rows.</p>
          )}
        </div>
      )}
      {done && (
        <p className="import-summary" role="status">
          Imported: {done.added.toLocaleString()} added, {done.updated.toLocaleString()} updated
          {done.rejected.length > 0 ? `, ${done.rejected.length.toLocaleString()} rejected` : ''}.
        </p>
      )}
      <FormError error={commit.error} />
      <div className="dialog-actions">
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          {done ? 'Close' : 'Cancel'}
        </button>
        {!done && (
          <button
            type="button"
            className="primary"
            disabled={!preview || !file || rows.length === 0 || commit.isPending}
            onClick={() => file && commit.mutate(file)}
          >
            {commit.isPending ? 'Importing…' : `Import ${rows.length.toLocaleString()} hosts`}
          </button>
        )}
      </div>
    </Dialog>
  );
}
