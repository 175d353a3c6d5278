import { describe, expect, it } from 'vitest';
import { openContext } from '../../src/server/context';
import { newDeskCredentials } from '../../src/server/site/desk-certificate';
import { newJoinCode, parseJoinCode } from '../../src/server/site/join-code';
import { tempDataDir } from '../helpers/server';

describe('join codes', () => {
  it('carry their secret and the start of the fingerprint, read back however they are typed', () => {
    const fingerprint = 'ab'.repeat(32);
    const { text } = newJoinCode(fingerprint);
    expect(text).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    const parsed = parseJoinCode(` ${text.toLowerCase().replaceAll('-', ' ')} `)!;
    expect(parsed.fingerprintPrefix).toBe(fingerprint.slice(0, 20));
    expect(parseJoinCode(text.slice(1))).toBeUndefined();
    expect(parseJoinCode(`${text.slice(0, -1)}U`)).toBeUndefined();
  });

  it('are single use, and a wrong one makes the next attempt wait a second (1,000 guesses: over 15 minutes)', async () => {
    let clock = Date.UTC(2026, 11, 6, 9);
    const ctx = await openContext({ dataDir: tempDataDir(), now: () => clock });
    try {
      await ctx.site.create('Throttled');
      const { code } = ctx.site.invite();
      const newcomer = await newDeskCredentials('f'.repeat(32));
      const desk = { desk_id: 'f'.repeat(32), name: 'New', certificate: newcomer.certificate, address: null };
      const wrong = `${'0000-'.repeat(4)}${code.slice(20)}`;
      expect(() => ctx.site.acceptJoin(wrong, desk)).toThrow(/wrong, used or expired/);
      // The right code now is refused too: nothing is tried until the pause has passed.
      expect(() => ctx.site.acceptJoin(code, desk)).toThrow(/Too many wrong join codes/);
      clock += 1000;
      expect(ctx.site.acceptJoin(code, desk).desks.map((known) => known.name)).toContain('New');
      expect(() => ctx.site.acceptJoin(code, { ...desk, desk_id: 'e'.repeat(32) })).toThrow(/wrong, used or expired/);
      // Codes end after 15 minutes.
      const { code: late } = ctx.site.invite();
      clock += 15 * 60 * 1000 + 2000;
      expect(() => ctx.site.acceptJoin(late, { ...desk, desk_id: 'd'.repeat(32) })).toThrow(/wrong, used or expired/);
    } finally {
      ctx.close();
    }
  });
});
