import { useEffect, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

/**
 * What the desk prints: rendered into a root of its own beside the app, shown only in
 * print media (styles.css hides the app there), with its own @page rule: an A4 list with
 * page numbers, or a label whose page is exactly the label. Mounted while the screen that
 * prints it is open, so the browser's print (and page.pdf) always finds it ready.
 */
export function PrintOnly({ page, children }: { page: string; children: ReactNode }) {
  useEffect(() => {
    // A constructed sheet, not a <style> element: the page's Content-Security-Policy allows
    // no inline styles, and the CSSOM is not inline markup.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`@page { ${page} }`);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    document.body.classList.add('has-print');
    return () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((adopted) => adopted !== sheet);
      document.body.classList.remove('has-print');
    };
  }, [page]);
  return createPortal(<div className="print-root">{children}</div>, document.body);
}
