import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createOwnerOnlyDir, OWNER_ONLY_FILE } from '../file-modes';
import { syncDirectorySync } from '../directory-sync';

/**
 * How the desktop app keeps the secrets key bound to the person signed in to the computer
 * (Electron's safeStorage over the OS keyring: src/main/secret-key-wrap.ts). `serve` and the
 * tests have none: their key file is the key itself, readable by its owner only.
 */
export interface KeyWrap {
  wrap(key: Buffer): Buffer;
  unwrap(wrapped: Buffer): Buffer;
}

export class SecretUnavailableError extends Error {}

const FOLDER = 'keys';
const FILE = 'secrets.key';
const HEADER = { plain: 'frontdesk secrets key v1 plain', wrapped: 'frontdesk secrets key v1 keyring' } as const;

/**
 * Seals the desk's few secrets (the SMTP password, the webhook signing secret) with AES-256-GCM
 * under a key kept beside the database, never in it: a copy of the database alone does not
 * reveal them, and where the platform has a keyring, nor does a copy of the whole data folder.
 * The key is made on first use and written whole (temporary file, flush, link).
 */
export function secretBox(dataDir: string, keyWrap?: KeyWrap) {
  const file = path.join(dataDir, FOLDER, FILE);
  let key: Buffer | undefined;

  function readKey(): Buffer | undefined {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const [header, body = ''] = text.split('\n');
    if (header === HEADER.plain) return Buffer.from(body, 'base64');
    if (header === HEADER.wrapped) {
      if (!keyWrap) {
        throw new SecretUnavailableError(
          'the secrets of this desk are sealed by the desktop app’s keyring: run the desk from the app, or enter them again',
        );
      }
      return keyWrap.unwrap(Buffer.from(body, 'base64'));
    }
    throw new SecretUnavailableError(`${FILE} is not a Frontdesk secrets key`);
  }

  function makeKey(): Buffer {
    const made = randomBytes(32);
    const text = keyWrap
      ? `${HEADER.wrapped}\n${keyWrap.wrap(made).toString('base64')}\n`
      : `${HEADER.plain}\n${made.toString('base64')}\n`;
    createOwnerOnlyDir(path.dirname(file));
    // A name no other process can have (two instances in containers are both PID 1), made
    // here and nowhere else ('wx').
    const temporary = `${file}.${randomBytes(8).toString('hex')}.tmp`;
    try {
      const fd = fs.openSync(temporary, 'wx', OWNER_ONLY_FILE);
      try {
        fs.writeFileSync(fd, text);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      // A link, not a rename: never replaces a key another process made meanwhile (two
      // instances of a company server starting together on one folder); that one is used.
      fs.linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return readKey()!;
    } finally {
      fs.rmSync(temporary, { force: true });
    }
    syncDirectorySync(path.dirname(file));
    return made;
  }

  const currentKey = (create: boolean): Buffer => {
    key ??= readKey() ?? (create ? makeKey() : undefined);
    if (!key)
      throw new SecretUnavailableError(`the secrets key (${FOLDER}/${FILE}) is missing: enter the secrets again`);
    return key;
  };

  return {
    seal(secret: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', currentKey(true), iv);
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    /** A key for one purpose, the same wherever this key file is (HMAC-SHA-256 of `label`). */
    derive(label: string): Buffer {
      return createHmac('sha256', currentKey(true)).update(label).digest();
    },
    /** The secret, or SecretUnavailableError naming why it cannot be read here. */
    open(sealed: string): string {
      const raw = Buffer.from(sealed.replace(/^v1:/, ''), 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', currentKey(false), raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch (error) {
        if (error instanceof SecretUnavailableError) throw error;
        throw new SecretUnavailableError('a secret was sealed under another key: enter it again');
      }
    },
  };
}

export type SecretBox = ReturnType<typeof secretBox>;
