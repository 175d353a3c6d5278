import fs from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { openContext } from '../../src/server/context';
import { filesContaining } from '../helpers/data-folder';
import { makeImage } from '../helpers/images';
import { STAFF, tempDataDir } from '../helpers/server';
import { makeSignature } from '../helpers/signature';

const DAY = 24 * 60 * 60 * 1000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

it('photo retention keeps a signed copy; visit retention removes it, and nothing of it stays in the data folder', async () => {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  let now = Date.now() - 41 * DAY;
  const ctx = await openContext({ dataDir, now: () => now });
  try {
    await ctx.auth.createFirstUser(STAFF.username, STAFF.password);
    const agreement = ctx.agreements.create({ title: 'Old rules', text: 'Sign here.' }, 1);
    ctx.types.change(2, { agreement_id: agreement.agreement_id }, 1);
    const signature = await makeSignature({ seed: 11 });
    const visitorId = await ctx.visitors.checkIn(
      { cardno: 1, name: 'Rhiannon Retained', mobile: '5550100', purpose: 'Works' },
      await makeImage('jpeg', 160, 120),
      1,
      { typeId: 2, signature, agreementVersion: 1 },
    );
    now += DAY;
    ctx.visitors.recordExit(visitorId);
    now = Date.now();

    ctx.settings.update({ photo_retention_days: 30 }, 1);
    expect(await ctx.applyRetention()).toMatchObject({ photos: 1, visits: 0 });
    expect((await ctx.agreements.signedCopy(visitorId, 1, { audited: false })).subarray(0, 5).toString()).toBe('%PDF-');

    const stored = ctx.agreements.signaturePng(visitorId)!;
    const idat = stored.indexOf('IDAT');
    const piece = stored.subarray(idat + 4, idat + 68);
    ctx.settings.update({ visit_retention_days: 30 }, 1);
    expect(await ctx.applyRetention()).toMatchObject({ visits: 1 });
    expect(ctx.agreements.signaturePng(visitorId)).toBeUndefined();
    expect(filesContaining(dataDir, ['Rhiannon Retained', piece])).toEqual([]);
  } finally {
    ctx.close();
  }
});
