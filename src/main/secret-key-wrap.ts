import { safeStorage } from 'electron';
import type { KeyWrap } from '../server/security/secret-box';
import { sessionPersistence } from './security-policy';

/**
 * The desk's secrets key (security/secret-box.ts) bound to the OS keyring of the person signed
 * in to the computer, where there is a real one: then a copy of the whole data folder does not
 * reveal the SMTP password either. Where there is none (Linux's `basic_text` fallback is a key
 * built into Chromium), undefined: the key file alone, as `serve` keeps it.
 */
export function keyringKeyWrap(): KeyWrap | undefined {
  const keyring =
    sessionPersistence({
      encryptionAvailable: safeStorage.isEncryptionAvailable(),
      backend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os',
    }) === 'keyring';
  if (!keyring) return undefined;
  return {
    wrap: (key) => safeStorage.encryptString(key.toString('base64')),
    unwrap: (wrapped) => Buffer.from(safeStorage.decryptString(wrapped), 'base64'),
  };
}
