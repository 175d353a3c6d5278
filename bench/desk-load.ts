import { runLoad, type LoadReport } from '../test/reliability/load-harness';
import { log, tempDir } from './lib';

export type DeskLoadResult = Omit<LoadReport, 'failed'> & { failed: number };

/**
 * Fifty desks at once against the built server (the reliability suite's load run, as a
 * kiosk runs it): check-ins of 1024×768 photos, log pages, searches, thumbnails, full
 * photos and exits. Every answer must be a success and no acknowledged check-in may be
 * missing afterwards, or the run fails; the figure is the server's peak memory.
 */
export async function benchDeskLoad(quick: boolean): Promise<DeskLoadResult> {
  const report = await runLoad({
    store: { dataDir: tempDir('desk-load') },
    clients: 50,
    seconds: quick ? 5 : 30,
    built: true,
  });
  if (report.failed.length > 0 || report.lostWrites > 0) {
    throw new Error(`desk load: ${report.failed.length} failed requests, ${report.lostWrites} lost writes`);
  }
  const result = { ...report, failed: 0 };
  log(`desk load: ${JSON.stringify(result)}`);
  return result;
}
