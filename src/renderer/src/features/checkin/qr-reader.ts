import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
// The decoder's WebAssembly, bundled with the app: it never comes from a CDN (the desk works offline).
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

let prepared = false;

/**
 * The text of a QR code in one camera frame, or undefined. zxing-cpp compiled to WebAssembly
 * (zxing-wasm): Chromium on Linux and Windows has no BarcodeDetector to ask instead.
 */
export async function readQrCode(frame: ImageData): Promise<string | undefined> {
  if (!prepared) {
    prepareZXingModule({ overrides: { locateFile: (file: string) => (file.endsWith('.wasm') ? wasmUrl : file) } });
    prepared = true;
  }
  const found = await readBarcodes(frame, { formats: ['QRCode'], maxNumberOfSymbols: 1, tryHarder: true });
  return found.find((code) => code.isValid)?.text;
}
