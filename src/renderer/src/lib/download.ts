import { apiBlob } from './api';

/**
 * Saves an API answer as a file. The request carries the token in its header, which a
 * plain link cannot, so the bytes come through fetch and leave as a blob URL, revoked
 * once the browser (or Electron's save dialog) has taken them.
 */
export async function downloadFile(path: string, token: string, fileName: string): Promise<void> {
  const blob = await apiBlob(path, { token });
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // The click has handed the blob over; a minute is ample for a slow save dialog.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
