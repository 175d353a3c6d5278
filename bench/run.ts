import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchAttacks } from './attacks';
import { benchCheckIn } from './checkin';
import { benchCompany } from './company';
import { benchDeskLoad } from './desk-load';
import { benchGrid } from './grid';
import { benchInterface } from './interface';
import { log, removeTempDirs, tempDir } from './lib';
import { benchLogScaling } from './log-scaling';
import { benchNotify } from './notify';
import { benchReplication } from './replication';
import { benchServing } from './serving';
import { benchSites } from './sites';
import { toMarkdown } from './report';

/**
 * `npm run bench`: every figure that decides anything is measured beside its floor in
 * the same run, alternating, as medians. `--quick` runs every part at small sizes, so
 * the test suite can keep the harness honest without waiting for it.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, out: { type: 'string' }, only: { type: 'string' } },
  });
  const quick = values.quick;
  // `--only attacks` (or check_in, serving, grid, interface, desk_load, log_scaling, replication, notify, company, sites) runs one part.
  const run = (part: string): boolean => values.only === undefined || values.only.split(',').includes(part);
  const outDir = values.out ?? path.join(__dirname);
  const started = Date.now();
  log(`mode: ${quick ? 'quick' : 'full'}`);

  const checkIn = run('check_in') ? await benchCheckIn(quick) : undefined;
  const servingDir = tempDir('serving');
  const serving = run('serving') || run('grid') ? await benchServing(quick, servingDir) : undefined;
  const grid = run('grid') && serving ? await benchGrid(servingDir, serving.visitors, quick) : undefined;
  const storageInterface = run('interface') ? await benchInterface(quick) : undefined;
  const deskLoad = run('desk_load') ? await benchDeskLoad(quick) : undefined;
  const logScaling = run('log_scaling') ? await benchLogScaling(quick) : undefined;
  const attacks = run('attacks') ? await benchAttacks(quick) : undefined;
  const replication = run('replication') ? await benchReplication(quick) : undefined;
  const notify = run('notify') ? await benchNotify(quick) : undefined;
  const company = run('company') ? await benchCompany(quick) : undefined;
  const sites = run('sites') ? await benchSites(quick) : undefined;

  const results = {
    mode: quick ? 'quick' : 'full',
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? 'unknown',
      memory_gib: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    seconds: Math.round((Date.now() - started) / 1000),
    check_in: checkIn,
    serving,
    grid,
    interface: storageInterface,
    desk_load: deskLoad,
    log_scaling: logScaling,
    attacks,
    replication,
    notify,
    company,
    sites,
  };
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'results.md'), toMarkdown(results));
  log(`wrote ${path.join(outDir, 'results.json')} and results.md in ${results.seconds} s`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(removeTempDirs);
