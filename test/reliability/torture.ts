import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCrashTorture } from './crash-harness';
import { runLoad } from './load-harness';

/**
 * `npm run torture`: the long crash and load runs. Prints a summary that
 * docs/RELIABILITY.md records; exits non-zero if anything was lost or failed.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { kills: { type: 'string', default: '60' }, seconds: { type: 'string', default: '60' } },
  });
  const crashDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-torture-'));
  const loadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-load-'));
  const started = Date.now();
  const crash = await runCrashTorture({ store: { dataDir: crashDir }, kills: Number(values.kills) });
  const load = await runLoad({ store: { dataDir: loadDir }, clients: 50, seconds: Number(values.seconds) });
  const summary = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    minutes: Math.round((Date.now() - started) / 600) / 100,
    crash: { ...crash, problems: crash.problems.slice(0, 20), problemCount: crash.problems.length },
    load: { ...load, failed: load.failed.slice(0, 20), failedCount: load.failed.length },
  };
  console.log(JSON.stringify(summary, null, 2));
  fs.rmSync(crashDir, { recursive: true, force: true });
  fs.rmSync(loadDir, { recursive: true, force: true });
  if (crash.problems.length > 0 || load.failed.length > 0 || load.lostWrites > 0) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
