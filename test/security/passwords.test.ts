import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPassword, SCRYPT_COST, verifyPassword } from '../../src/server/security/passwords';

describe('password hashing', () => {
  it('stores scrypt at N=2^14, r=8, p=5 with the parameters in the hash', async () => {
    expect(SCRYPT_COST).toEqual({ N: 16384, r: 8, p: 5 });
    const stored = await hashPassword('a long password');
    expect(stored).toMatch(/^scrypt\$16384\$8\$5\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(await verifyPassword('a long password', stored)).toBe(true);
    expect(await verifyPassword('a long passworD', stored)).toBe(false);
  });

  it('is described in the README as it is', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    expect(readme).toContain(`scrypt (N=2^${Math.log2(SCRYPT_COST.N)}, r=${SCRYPT_COST.r}, p=${SCRYPT_COST.p}`);
  });
});
