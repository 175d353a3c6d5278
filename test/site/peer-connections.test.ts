import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext, type AppContext } from '../../src/server/context';
import { callPeer } from '../../src/server/site/peer-client';
import { peerListener, type PeerListener } from '../../src/server/site/peer-listener';
import { changesResponseSchema } from '../../src/server/site/protocol';
import { STAFF, tempDataDir } from '../helpers/server';

/** Open TCP connections to a port of 127.0.0.1, from Linux's table: the port is this test's own listener's. */
function openConnectionsTo(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return fs
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[2] === `0100007F:${hex}` && fields[3] === '01').length;
}

/**
 * Desks ask each other every second; each call over a connection of its own cost a TLS
 * handshake with both certificates, more than the call (bench/sites.ts). A desk keeps one
 * connection to each peer open, and the pinned certificate is still checked whole as any
 * new connection opens. Real desks in this process, over real TLS on loopback.
 */
describe.skipIf(process.platform !== 'linux')('connections between desks', () => {
  let front: AppContext;
  let side: AppContext;
  let stranger: AppContext;
  /** A desk whose clock is moved: its "last heard" times follow it. */
  let moved: AppContext;
  let offset = 0;
  const listeners: PeerListener[] = [];
  let frontAddress: string;
  let strangerAddress: string;

  async function listening(ctx: AppContext): Promise<string> {
    const listener = peerListener(ctx);
    listeners.push(listener);
    return (await listener.start())!;
  }

  beforeAll(async () => {
    front = await openContext({ dataDir: tempDataDir() });
    await front.auth.createFirstUser(STAFF.username, STAFF.password);
    await front.site.create('Front site');
    frontAddress = await listening(front);
    side = await openContext({ dataDir: tempDataDir() });
    await side.site.join(frontAddress, front.site.invite().code, 'Side door', null);
    stranger = await openContext({ dataDir: tempDataDir() });
    await stranger.auth.createFirstUser(STAFF.username, STAFF.password);
    await stranger.site.create('Another site');
    strangerAddress = await listening(stranger);
  }, 60_000);

  afterAll(async () => {
    for (const listener of listeners) await listener.close();
    for (const ctx of [front, side, stranger, moved]) ctx?.close();
  });

  it('asks a peer round after round over one connection', async () => {
    const port = Number(new URL(frontAddress).port);
    for (let round = 0; round < 5; round++) await side.replication.round();
    // One open connection, not one per round (closed), nor five left open for nobody.
    expect(openConnectionsTo(port)).toBe(1);
  });

  it('still refuses a listener that presents another certificate than the one pinned', async () => {
    const pinned = front.site.credentials()!.certificate;
    const call = () =>
      callPeer({
        address: strangerAddress,
        path: '/peer/v1/changes',
        body: { have: {}, limit: 1, address: null },
        pinned,
        credentials: side.site.credentials()!,
        schema: changesResponseSchema,
      });
    // Refused by the pinned authority (the stranger's certificate is its own) or the fingerprint.
    const refused = /self-signed certificate|presented another certificate/;
    await expect(call()).rejects.toThrow(refused);
    // Again: a refused connection is not kept for the next call.
    await expect(call()).rejects.toThrow(refused);
  });

  it('writes "last heard" again when the clock was set back, though the exchanges bring nothing', async () => {
    moved = await openContext({ dataDir: tempDataDir(), now: () => Date.now() + offset });
    await moved.site.join(frontAddress, front.site.invite().code, 'Moved clock', null);
    const heardFront = () => moved.site.othersHeard().find((desk) => desk.name !== 'Side door')!.last_heard_time;
    // A kiosk started with its clock an hour ahead, then set right.
    offset = 60 * 60 * 1000;
    await moved.replication.round();
    const ahead = heardFront();
    offset = 0;
    await moved.replication.round();
    // Not left an hour ahead, a desk "in sync" that could have gone.
    expect(heardFront()).not.toBe(ahead);
    expect(Date.parse(heardFront()!.replace(' ', 'T'))).toBeLessThanOrEqual(Date.now() + 1000);
  });
});
