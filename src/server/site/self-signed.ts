import 'reflect-metadata'; // @peculiar/x509 needs it, before it loads
import { X509CertificateGenerator, cryptoProvider } from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

// @peculiar/x509's declarations name the DOM's Crypto and CryptoKeyPair, which Node's types do
// not declare globally; Node's webcrypto is that very API.
cryptoProvider.set(webcrypto as never);

/**
 * A self-signed certificate of a key pair, as PEM. Loaded by newDeskCredentials
 * (desk-certificate.ts) when a desk makes its certificate, once in its life, not at every
 * start: @peculiar/x509 and what it brings (a reflect polyfill, tsyringe, ASN.1 schemas)
 * hold 5 MiB.
 */
export async function selfSignedPem(
  subject: string,
  keys: webcrypto.CryptoKeyPair,
  signingAlgorithm: { name: string; namedCurve: string; hash: string },
): Promise<string> {
  const now = Date.now();
  const certificate = await X509CertificateGenerator.createSelfSigned({
    serialNumber: webcrypto.getRandomValues(Buffer.alloc(16)).toString('hex'),
    name: subject,
    notBefore: new Date(now - 24 * 60 * 60 * 1000),
    notAfter: new Date(now + 50 * 365 * 24 * 60 * 60 * 1000),
    keys: keys as never,
    signingAlgorithm,
  });
  return certificate.toString('pem') + '\n';
}
