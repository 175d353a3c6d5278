import { X509Certificate, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createOwnerOnlyDir, createOwnerOnlyFile } from '../file-modes';

export interface DeskCredentials {
  key: string;
  certificate: string;
  /** SHA-256 of the certificate, lowercase hex: how the other desks recognise this one. */
  fingerprint: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const FOLDER = 'peer';

/** DER bytes as PEM text. */
export function pem(label: 'CERTIFICATE' | 'PRIVATE KEY', der: Buffer): string {
  return `-----BEGIN ${label}-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END ${label}-----\n`;
}

/** The SHA-256 fingerprint of a PEM certificate, lowercase hex without separators. */
export function fingerprintOf(certificate: string): string {
  return new X509Certificate(certificate).fingerprint256.replaceAll(':', '').toLowerCase();
}

/**
 * Makes a desk's own key and self-signed certificate (API contract Part 3: "each desk has its
 * own key and certificate"). Desks do not trust a certificate authority: each pins the
 * others' certificates by fingerprint.
 */
export async function newDeskCredentials(deskId: string): Promise<DeskCredentials> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const { selfSignedPem } = await import('./self-signed');
  const certificate = await selfSignedPem(`CN=Frontdesk desk ${deskId}`, keys, ALGORITHM);
  const key = pem('PRIVATE KEY', Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)));
  return { key, certificate, fingerprint: fingerprintOf(certificate) };
}

/** Keeps this desk's key and certificate in its data folder, readable by its owner only. */
export function saveDeskCredentials(dataDir: string, credentials: DeskCredentials): void {
  const folder = path.join(dataDir, FOLDER);
  createOwnerOnlyDir(folder);
  for (const [name, text] of [
    ['desk-key.pem', credentials.key],
    ['desk-certificate.pem', credentials.certificate],
  ] as const) {
    const file = path.join(folder, name);
    createOwnerOnlyFile(file);
    fs.writeFileSync(file, text);
  }
}

/** This desk's key and certificate, or undefined before it belongs to a site. */
export function readDeskCredentials(dataDir: string): DeskCredentials | undefined {
  const folder = path.join(dataDir, FOLDER);
  try {
    const key = fs.readFileSync(path.join(folder, 'desk-key.pem'), 'utf8');
    const certificate = fs.readFileSync(path.join(folder, 'desk-certificate.pem'), 'utf8');
    return { key, certificate, fingerprint: fingerprintOf(certificate) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
