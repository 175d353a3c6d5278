import { openContext } from '../../src/server/context';
import type { VisitorLogResponse } from '../../src/shared/api-types';
import { makeImage } from '../helpers/images';
import { STAFF } from '../helpers/server';
import type { StoreOf } from '../helpers/another-process';
import { killHard, peakRssMiB, spawnServer, type ServerProcess } from './server-process';

export interface LoadReport {
  clients: number;
  seconds: number;
  requests: number;
  /** Requests answered per second during the load (the check afterwards not counted). */
  perSecond: number;
  failed: { path: string; status: number }[];
  byKind: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  /** The largest of the instances' peaks, and each's. */
  peakRssMiB: number;
  instancesPeakRssMiB: number[];
  lostWrites: number;
}

/**
 * Many desks at once against one server: check-ins, log pages, thumbnails, full photos
 * and exits, for a fixed time. Every answer must be a success, and every acknowledged
 * check-in must be in the log afterwards.
 */
export async function runLoad(options: {
  /** A desk's data folder, or a company server's database and photo folder. */
  store: StoreOf;
  clients: number;
  seconds: number;
  /** Run the built server (see spawnServer). */
  built?: boolean;
  /**
   * Instances of a company server on the store, each client sent to one of them in turn as
   * a load balancer would (default 1).
   */
  instances?: number;
}): Promise<LoadReport> {
  const setup = await openContext(options.store);
  if (setup.auth.needsFirstUser()) await setup.auth.createFirstUser(STAFF.username, STAFF.password);
  setup.close();
  const servers: ServerProcess[] = [];
  for (let i = 0; i < (options.instances ?? 1); i++)
    servers.push(await spawnServer(options.store, { built: options.built }));
  const server = servers[0]!;
  const login = await fetch(`${server.url}/v1/oauth/`, { method: 'POST', body: new URLSearchParams(STAFF) });
  const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
  const headers = { authorization: `Token ${token}` };
  const image = await makeImage('jpeg', 1024, 768, 11);

  const latencies: number[] = [];
  const failed: { path: string; status: number }[] = [];
  const byKind: Record<string, number> = {};
  const acknowledged: string[] = [];
  const onSite: string[] = [];
  let card = 0;
  let seed = 99;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };

  const timed = async (kind: string, path: string, init?: RequestInit, to = server): Promise<Response> => {
    const started = performance.now();
    const response = await fetch(to.url + path, { ...init, headers });
    const body = await response.arrayBuffer();
    latencies.push(performance.now() - started);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    if (!response.ok) failed.push({ path, status: response.status });
    return new Response(body, { status: response.status });
  };

  const deadline = Date.now() + options.seconds * 1000;
  const client = async (_: unknown, index: number): Promise<void> => {
    const to = servers[index % servers.length]!;
    while (Date.now() < deadline) {
      const roll = random();
      if (roll < 0.1 || acknowledged.length < 5) {
        card = (card % 9999) + 1;
        const form = new FormData();
        form.set('cardno', String(card));
        form.set('name', `Load ${card}`);
        form.set('mobile', '5550100');
        form.set('purpose', 'Load');
        form.set('image', new Blob([new Uint8Array(image)]), 'p.jpg');
        const response = await timed('check-in', '/v1/add/', { method: 'POST', body: form }, to);
        if (response.ok) {
          const { visitor_id } = (await response.json()) as { visitor_id: string };
          acknowledged.push(visitor_id);
          onSite.push(visitor_id);
        }
      } else if (roll < 0.35) {
        await timed('log page', `/v1/log/?limit=60${random() < 0.3 ? '&q=load' : ''}`, undefined, to);
      } else if (roll < 0.75) {
        await timed(
          'thumbnail',
          `/v1/photo/thumb/${acknowledged[Math.floor(random() * acknowledged.length)]}`,
          undefined,
          to,
        );
      } else if (roll < 0.9) {
        await timed(
          'full photo',
          `/v1/photo/${acknowledged[Math.floor(random() * acknowledged.length)]}`,
          undefined,
          to,
        );
      } else if (onSite.length > 0) {
        const leaving = onSite.splice(Math.floor(random() * onSite.length), 1)[0]!;
        await timed('exit', `/v1/exit/${leaving}`, { method: 'POST' }, to);
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  const peaks = servers.map((each) => peakRssMiB(each.pid));
  const answered = latencies.length;

  let lostWrites = 0;
  const logged = new Set<string>();
  let cursor = '';
  do {
    const page = (await (
      await timed('verify', `/v1/log/?limit=200${cursor ? `&cursor=${cursor}` : ''}`)
    ).json()) as VisitorLogResponse;
    for (const visitor of page.data) logged.add(visitor.visitor_id);
    cursor = page.next_cursor ?? '';
  } while (cursor);
  for (const id of acknowledged) if (!logged.has(id)) lostWrites++;
  for (const each of servers) await killHard(each);

  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number): number =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 10) / 10;
  return {
    clients: options.clients,
    seconds: options.seconds,
    requests: latencies.length,
    perSecond: Math.round(answered / options.seconds),
    failed,
    byKind,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    peakRssMiB: Math.max(...peaks),
    instancesPeakRssMiB: peaks,
    lostWrites,
  };
}
