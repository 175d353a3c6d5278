import { openContext, type AppContext } from '../src/server/context';
import { peerListener, type PeerListener } from '../src/server/site/peer-listener';
import { webcamFrame } from './checkin';

/**
 * Many desks in one process, for the sites simulation (sites.ts): each is a real desk (its
 * own SQLite store and data folder, its own TLS peer listener on loopback, its own asking
 * every second), joined to its site on the company server with a join code, exactly as
 * `site join` and `serve --peer-port` make one. Only the process is shared, so that six
 * hundred desks fit a small machine; the parent tells it what to do over IPC.
 */
export interface DeskPlan {
  siteId: string;
  code: string;
  name: string;
  dataDir: string;
  /** Which desk of its site: its cards are numbered apart from the others'. */
  index: number;
  /** The site's account the desk's check-ins are made by. */
  username: string;
}

export type ToDesks =
  | { type: 'join'; companyPeer: string; desks: DeskPlan[] }
  | { type: 'listen' }
  | { type: 'morning'; seconds: number; perDeskPerSecond: number }
  | { type: 'close' };

export type FromDesks =
  | { type: 'joined' }
  | { type: 'listening' }
  | { type: 'checked'; visits: Array<[visitorId: string, siteId: string, at: number]>; failed: number }
  | { type: 'failed'; message: string };

interface Desk {
  plan: DeskPlan;
  ctx: AppContext;
  userId: number;
  listener?: PeerListener;
  cards: number;
}

const desks: Desk[] = [];
const send = (message: FromDesks): void => void process.send!(message);

async function join(companyPeer: string, plans: DeskPlan[]): Promise<void> {
  for (const plan of plans) {
    const ctx = await openContext({ dataDir: plan.dataDir });
    await ctx.site.join(companyPeer, plan.code, plan.name, null);
    const user = ctx.repositories.users.findByUsername(plan.username);
    if (!user) throw new Error(`${plan.name} joined without the account ${plan.username}`);
    desks.push({ plan, ctx, userId: user.id, cards: 0 });
  }
}

/**
 * A busy morning: each desk checks visitors in at random moments (a Poisson arrival of
 * `perDeskPerSecond`), each with the camera frame, through the same check-in as the API's.
 */
async function morning(seconds: number, perDeskPerSecond: number): Promise<void> {
  // A kiosk camera's frame (1280×720): each check-in's is decoded and thumbnailed all the same.
  const frame = await webcamFrame(1280, 720, 85);
  const visits: Array<[string, string, number]> = [];
  let failed = 0;
  const until = Date.now() + seconds * 1000;
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  await Promise.all(
    desks.map(async (desk) => {
      for (;;) {
        const next = (-Math.log(1 - Math.random()) / perDeskPerSecond) * 1000;
        // The morning ends on time, not at each desk's next visitor after it.
        if (Date.now() + next >= until) return;
        await wait(next);
        const n = desk.cards++;
        try {
          const visitorId = await desk.ctx.visitors.checkIn(
            {
              cardno: desk.plan.index * 3000 + (n % 3000) + 1,
              name: `Visitor ${n} of ${desk.plan.name}`,
              mobile: `+4477009${String(n).padStart(5, '0')}`,
              purpose: 'Meeting',
            },
            frame,
            desk.userId,
          );
          visits.push([visitorId, desk.plan.siteId, Date.now()]);
        } catch {
          failed++;
        }
      }
    }),
  );
  send({ type: 'checked', visits, failed });
}

async function close(): Promise<void> {
  for (const desk of desks) {
    await desk.listener?.close();
    desk.ctx.close();
  }
  process.exit(0);
}

process.on('message', (message: ToDesks) => {
  const done = (() => {
    switch (message.type) {
      case 'join':
        return join(message.companyPeer, message.desks).then(() => send({ type: 'joined' }));
      case 'listen':
        return Promise.all(
          desks.map(async (desk) => {
            desk.listener = peerListener(desk.ctx);
            await desk.listener.start();
          }),
        ).then(() => send({ type: 'listening' }));
      case 'morning':
        return morning(message.seconds, message.perDeskPerSecond);
      case 'close':
        return close();
    }
  })();
  done.catch((error: unknown) => send({ type: 'failed', message: String((error as Error).stack ?? error) }));
});
