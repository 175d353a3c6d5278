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

/**
 * The browser's print dialog; resolves when it closes. Images inside the print root are
 * awaited first, or the print could show empty frames.
 */
export async function printNow(): Promise<void> {
  const images = [...document.querySelectorAll<HTMLImageElement>('.print-root img')];
  await Promise.all(images.map((image) => image.decode().catch(() => undefined)));
  window.print();
}
