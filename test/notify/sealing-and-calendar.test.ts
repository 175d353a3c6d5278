import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { calendarEvent } from '../../src/server/notify/ics';
import { secretBox, SecretUnavailableError, type KeyWrap } from '../../src/server/security/secret-box';
import { tempDataDir } from '../helpers/server';

const run = promisify(execFile);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
const folder = (): string => {
  const dir = tempDataDir();
  dirs.push(dir);
  return dir;
};

/** A stand-in keyring: reverses the bytes, so a file written through it is not the key itself. */
const keyring: KeyWrap = {
  wrap: (key) => Buffer.from(key).reverse(),
  unwrap: (wrapped) => Buffer.from(wrapped).reverse(),
};

describe('the secrets box', () => {
  it('seals under a key kept beside the database, owner-only, and opens what it sealed after a restart', () => {
    const dir = folder();
    const sealed = secretBox(dir).seal('smtp-pass-123');
    expect(sealed).not.toContain('smtp-pass-123');
    const keyFile = path.join(dir, 'keys', 'secrets.key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(secretBox(dir).open(sealed)).toBe('smtp-pass-123');
  });

  it('says why a secret cannot be opened: no key, a keyring this process lacks, another key', () => {
    const dir = folder();
    const sealed = secretBox(dir, keyring).seal('kept');
    expect(fs.readFileSync(path.join(dir, 'keys', 'secrets.key'), 'utf8')).toMatch(/keyring/);
    expect(secretBox(dir, keyring).open(sealed)).toBe('kept');
    expect(() => secretBox(dir).open(sealed)).toThrow(/desktop app’s keyring/);
    fs.rmSync(path.join(dir, 'keys'), { recursive: true });
    expect(() => secretBox(dir).open(sealed)).toThrow(SecretUnavailableError);
    const other = folder();
    secretBox(other).seal('made a key');
    expect(() => secretBox(other).open(sealed)).toThrow(/another key/);
  });
});

describe('the secrets key made by processes starting together on one folder', () => {
  it('is one key: each process uses the one that is in the file, and no temporary file is left', async () => {
    const entry = path.resolve(__dirname, '../../src/server/security/secret-box.ts');
    const script = `const { secretBox } = require(${JSON.stringify(entry)});
      console.log(secretBox(process.argv[1]).derive('a purpose').toString('hex'));`;
    for (let round = 0; round < 3; round++) {
      const dir = folder();
      const derived = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const { stdout } = await run(process.execPath, ['--import', 'tsx', '-e', script, dir]);
          return stdout.trim();
        }),
      );
      expect(new Set([...derived, secretBox(dir).derive('a purpose').toString('hex')]).size).toBe(1);
      expect(fs.readdirSync(path.join(dir, 'keys'))).toEqual(['secrets.key']);
    }
  });
});

describe('the invitation’s calendar file', () => {
  it('escapes text, folds long lines at 75 octets without splitting a character, and ends lines with CRLF', () => {
    const ics = calendarEvent({
      uid: 'abc@frontdesk',
      date: '2026-12-07',
      time: '09:30',
      summary: 'Visit to Ørsted; Building A, floor 3',
      location: 'Main reception',
      description: `${'Ünïcödé '.repeat(20)}\nsecond line`,
      stamp: new Date(Date.UTC(2026, 11, 6, 10, 0, 0)),
    });
    const lines = ics.split('\r\n');
    expect(ics.replaceAll('\r\n', '')).not.toContain('\n');
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(ics).toContain('SUMMARY:Visit to Ørsted\\; Building A\\, floor 3');
    expect(ics).toContain('DTSTART:20261207T093000');
    expect(ics).toContain('DTSTAMP:20261206T100000Z');
    // Unfolded, the description is whole again.
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain(`DESCRIPTION:${'Ünïcödé '.repeat(20)}\\nsecond line`);
  });

  it('makes a visit without a time an all-day event', () => {
    const ics = calendarEvent({
      uid: 'x@frontdesk',
      date: '2026-12-31',
      time: null,
      summary: 'Visit',
      location: 'Here',
      description: 'Show the code',
      stamp: new Date(),
    });
    expect(ics).toContain('DTSTART;VALUE=DATE:20261231');
    expect(ics).toContain('DTEND;VALUE=DATE:20270101');
  });
});
