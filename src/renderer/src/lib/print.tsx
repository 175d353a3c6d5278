import { useEffect, useId, useSyncExternalStore, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

/**
 * Everything that could be printed right now, newest last. Only the newest prints: a
 * badge opened over a roll call prints the badge, and the roll prints again once the
 * badge is gone. Its @page rule is the only one in force.
 */
let printables: { id: string; sheet: CSSStyleSheet }[] = [];
const listeners = new Set<() => void>();
/** Every @page sheet this module ever adopted, so none is left behind. */
const pageSheets = new WeakSet<CSSStyleSheet>();

function update(next: typeof printables): void {
  printables = next;
  const active = next.at(-1)?.sheet;
  document.adoptedStyleSheets = [
    ...document.adoptedStyleSheets.filter((sheet) => !pageSheets.has(sheet)),
    ...(active ? [active] : []),
  ];
  document.body.classList.toggle('has-print', next.length > 0);
  for (const listener of listeners) listener();
}

function useActivePrintable(): string | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => printables.at(-1)?.id,
  );
}

/**
 * What the desk prints: rendered into a root of its own beside the app, shown only in
 * print media and only while it is the newest printable (styles.css hides the app there),
 * with its own @page rule: an A4 list with page numbers, or a label whose page is exactly
 * the label. Mounted while the screen that prints it is open, so the browser's print (and
 * page.pdf) always finds it ready.
 */
export function PrintOnly({ page, children }: { page: string; children: ReactNode }) {
  const id = useId();
  const active = useActivePrintable() === id;
  useEffect(() => {
    // A constructed sheet, not a <style> element: the page's Content-Security-Policy allows
    // no inline styles, and the CSSOM is not inline markup.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`@page { ${page} }`);
    pageSheets.add(sheet);
    update([...printables, { id, sheet }]);
    return () => update(printables.filter((entry) => entry.id !== id));
  }, [id, page]);
  return createPortal(
    <div className="print-root" data-active={active ? '' : undefined}>
      {children}
    </div>,
    document.body,
  );
}
