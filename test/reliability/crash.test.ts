import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoreOf } from '../helpers/another-process';
import { describeWithPostgres, usePostgresCluster } from '../helpers/postgres';
import { tempDataDir } from '../helpers/server';
import { runCrashTorture } from './crash-harness';

const WHAT =
  'loses no acknowledged check-in, exit, arrival, host import, erasure or arrival notice, sends none twice but under one Message-ID, and leaves nothing half-done (purges included), across SIGKILLs';

async function survivesKills(store: StoreOf): Promise<void> {
  // The short run; `npm run torture` kills it many more times.
  const report = await runCrashTorture({ store, kills: 6 });
  expect(report.problems).toEqual([]);
  expect(report.acknowledgedCheckIns).toBeGreaterThan(5);
  // The site's writes were exercised too, not only attempted.
  expect(report.acknowledgedArrivals).toBeGreaterThan(0);
  expect(report.acknowledgedImports).toBeGreaterThan(0);
  expect(report.acknowledgedErasures).toBeGreaterThan(0);
  // The outbox was exercised too: notices written with check-ins, sent across the kills.
  expect(report.mailsReceived).toBeGreaterThan(5);
  expect(report.acknowledgedSignatures).toBeGreaterThan(0);
  expect(report.watchlistRefusals).toBeGreaterThan(0);
}

describe('crash safety', () => {
  const dataDir = tempDataDir();
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it(WHAT, () => survivesKills({ dataDir }), 180_000);
});

describeWithPostgres('crash safety of a company server (PostgreSQL)', () => {
  const cluster = usePostgresCluster();
  const photos = tempDataDir();
  afterAll(() => fs.rmSync(photos, { recursive: true, force: true }));

  it(WHAT, async () => survivesKills({ dataDir: photos, database: await cluster().createDatabase('crash') }), 300_000);
});
