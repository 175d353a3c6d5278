import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/server';
import { runCrashTorture } from './crash-harness';

describe('crash safety', () => {
  const dataDir = tempDataDir();
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('loses no acknowledged check-in, exit, arrival, host import, erasure or arrival notice, sends none twice but under one Message-ID, and leaves nothing half-done (purges included), across SIGKILLs', async () => {
    // The short run; `npm run torture` kills it many more times.
    const report = await runCrashTorture({ dataDir, kills: 6 });
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
  }, 180_000);
});
