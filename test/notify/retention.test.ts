import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DATABASE_FILE, openContext } from '../../src/server/context';
import { formatLocalDate } from '../../src/shared/dates';
import { makeImage } from '../helpers/images';
import { makeSignature } from '../helpers/signature';
import { filesContaining } from '../helpers/data-folder';
import { freePort, STAFF, tempDataDir } from '../helpers/server';

const DAY = 24 * 60 * 60 * 1000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A desk whose clock starts 41 days ago (move `clock.now` on), with its first staff account. */
async function aDeskFromLongAgo() {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  const clock = { now: Date.now() - 41 * DAY };
  const ctx = await openContext({ dataDir, now: () => clock.now });
  await ctx.auth.createFirstUser(STAFF.username, STAFF.password);
  return { dataDir, clock, ctx };
}

it('takes pending notices, and the e-mail of a visit that never arrived, with the visits retention erases', async () => {
  const { dataDir, clock, ctx } = await aDeskFromLongAgo();
  try {
    // The mail server was never reachable: both notices are still pending when retention comes.
    ctx.settings.update({ smtp_url: `smtp://127.0.0.1:${await freePort()}`, smtp_from: 'desk@example.org' }, 1);
    const host = ctx.hosts.create({ name: 'Old Host', email: 'old.host@example.org' });
    const visitorId = await ctx.visitors.checkIn(
      { cardno: 1, name: 'Quentin Longago', mobile: '5550100', purpose: 'Meeting', visitee_no: host.visitee_no },
      await makeImage('jpeg', 160, 120),
      1,
    );
    clock.now += DAY;
    ctx.visitors.recordExit(visitorId);
    ctx.expected.create(
      { name: 'Never Came', expected_date: formatLocalDate(new Date(clock.now)), email: 'never.came@example.org' },
      1,
    );
    const pending = ctx.db.prepare("SELECT count(*) FROM notices WHERE status = 'pending'").pluck().get();
    expect(pending).toBe(2);

    clock.now = Date.now();
    ctx.settings.update({ visit_retention_days: 30 }, 1);
    expect(await ctx.applyRetention()).toMatchObject({ visits: 2 });

    expect(ctx.db.prepare("SELECT count(*) FROM notices WHERE status = 'pending'").pluck().get()).toBe(0);
    expect(ctx.db.prepare('SELECT count(*) FROM notices WHERE content IS NOT NULL').pluck().get()).toBe(0);
    const visit = ctx.db.prepare('SELECT name, email, erased_at FROM expected_visits').get() as {
      name: string;
      email: string | null;
      erased_at: number | null;
    };
    expect(visit).toMatchObject({ name: 'Erased visitor', email: null });
    expect(visit.erased_at).not.toBeNull();
  } finally {
    ctx.close();
  }
  for (const suffix of ['', '-wal']) {
    const file = path.join(dataDir, DATABASE_FILE + suffix);
    if (!fs.existsSync(file)) continue;
    const bytes = fs.readFileSync(file);
    for (const text of ['Quentin Longago', 'never.came@example.org', 'Never Came']) {
      expect(bytes.includes(Buffer.from(text)), `${text} in ${file}`).toBe(false);
    }
  }
});

it('photo retention keeps a signed copy; visit retention removes it, and nothing of it stays in the data folder', async () => {
  const { dataDir, clock, ctx } = await aDeskFromLongAgo();
  try {
    const agreement = ctx.agreements.create({ title: 'Old rules', text: 'Sign here.' }, 1);
    ctx.types.change(2, { agreement_id: agreement.agreement_id }, 1);
    const signature = await makeSignature({ seed: 11 });
    const visitorId = await ctx.visitors.checkIn(
      { cardno: 1, name: 'Rhiannon Retained', mobile: '5550100', purpose: 'Works' },
      await makeImage('jpeg', 160, 120),
      1,
      { typeId: 2, signature, agreementVersion: 1 },
    );
    clock.now += DAY;
    ctx.visitors.recordExit(visitorId);
    clock.now = Date.now();

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
