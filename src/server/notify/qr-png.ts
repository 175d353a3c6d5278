import QRCode from 'qrcode';

/**
 * A text as a QR code in a PNG. Loaded by invitationQr (outbox.ts) at the first invitation,
 * not at start: most desks never make one.
 */
export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 });
}
