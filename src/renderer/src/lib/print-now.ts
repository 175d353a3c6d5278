/**
 * The browser's print dialog; resolves when it closes. Images inside the print root are
 * awaited first, or the print could show empty frames.
 */
export async function printNow(): Promise<void> {
  const images = [...document.querySelectorAll<HTMLImageElement>('.print-root[data-active] img')];
  await Promise.all(images.map((image) => image.decode().catch(() => undefined)));
  window.print();
}
