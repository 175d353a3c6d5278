import type * as X509 from '@peculiar/x509';
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
  const { X509CertificateGenerator } = await certificateLibrary();
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const now = Date.now();
  const certificate = await X509CertificateGenerator.createSelfSigned({
    serialNumber: webcrypto.getRandomValues(Buffer.alloc(16)).toString('hex'),
    name: `CN=Frontdesk desk ${deskId}`,
    notBefore: new Date(now - 24 * 60 * 60 * 1000),
    notAfter: new Date(now + 50 * 365 * 24 * 60 * 60 * 1000),
    keys: keys as never,
    signingAlgorithm: ALGORITHM,
  });
  const key = pem('PRIVATE KEY', Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)));
  const certificatePem = certificate.toString('pem') + '\n';
  return { key, certificate: certificatePem, fingerprint: fingerprintOf(certificatePem) };
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

/**
 * @peculiar/x509 and what it brings (a reflect polyfill, tsyringe, the ASN.1 schemas: 5 MiB
 * resident) are loaded when a desk makes its certificate, once in its life, not at every start.
 */
async function certificateLibrary(): Promise<typeof X509> {
  await import('reflect-metadata'); // @peculiar/x509 needs it, before it loads
  const library = await import('@peculiar/x509');
  // Its declarations name the DOM's Crypto and CryptoKeyPair, which Node's types do not
  // declare globally; Node's webcrypto is that very API.
  library.cryptoProvider.set(webcrypto as never);
  return library;
}
