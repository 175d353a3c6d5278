import type { FastifyInstance } from 'fastify';
import { EVENTS_KEEPALIVE_MS, type DeskEvent } from '../../../shared/events';
import type { CompanySites } from '../../company/company-sites';
import type { AppContext } from '../../context';
import { routeSchema } from '../openapi';
import { eventOfSite } from '../site-scope';
import { withThumbUrls } from '../thumb-urls';

/**
 * GET /v1/events: Server-Sent Events for every change an open desk shows (API contract,
 * Live updates); on a company server, every site's changes too, each saying its site. The token is checked again before every write, so a stream ends as soon
 * as its token is revoked or its account deactivated, by this process or another.
 */
const STREAM_BACKLOG_MAX = 256 * 1024;

export function eventRoutes(app: FastifyInstance, ctx: AppContext, sites: CompanySites | undefined): void {
  const open = new Set<() => void>();
  // Streams never go idle, so the server's close would wait for them: end them first.
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get(
    '/v1/events',
    {
      // A HEAD of a stream that never ends would never answer.
      exposeHeadRoute: false,
      schema: routeSchema({
        summary: 'Live updates as Server-Sent Events',
        description:
          'One event per check-in (`visitor.checkin`) and exit (`visitor.exit`), with the visitor in its JSON ' +
          '`data`, within a second of the change; `log.changed` when another process changed the data (re-read). ' +
          `A comment line at least every ${EVENTS_KEEPALIVE_MS / 1000} s. A client that reconnects re-reads the log. ` +
          'On a company server every site’s changes come too, each with the site’s `site_id` (none for the ' +
          'company server’s own), and every visitor with its `site_id` as in the log (null for the company ' +
          'server’s own); what another instance took in comes as `log.changed` with its `site_id`.',
        tags: ['Live updates'],
        success: { media: ['text/event-stream'] },
      }),
    },
    async (request, reply) => {
      const token = request.accessToken!;
      const valid = (): boolean => {
        try {
          ctx.auth.authenticate(token);
          return true;
        } catch {
          return false;
        }
      };
      // Capped per token and account: streams from one token cannot fill the desk's connections.
      app.connectionGuard.openStream(request.raw.socket, token, request.userId!);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      });
      raw.write(': connected\n\n');

      // A client that stops reading would have every event queued for it in memory: past a
      // small backlog its stream ends (a reading desk reconnects and re-reads the log).
      const write = (text: string): void => {
        if (!valid() || raw.writableLength > STREAM_BACKLOG_MAX) end();
        else raw.write(text);
      };
      // Each stream's visitors carry thumbnail URLs signed for its own token.
      const send = (event: DeskEvent, siteId: string | null): void => {
        const sent = withThumbUrls(eventOfSite(event, siteId, sites), ctx.auth.thumbUrlSigner(token));
        write(`event: ${event.type}\ndata: ${JSON.stringify(sent)}\n\n`);
      };
      const unsubscribeOwn = ctx.events.subscribe((event) => send(event, null));
      const unsubscribeSites = sites?.subscribe(send);
      const unsubscribe = (): void => {
        unsubscribeOwn();
        unsubscribeSites?.();
      };
      const keepAlive = setInterval(() => write(': keep-alive\n\n'), EVENTS_KEEPALIVE_MS);
      // Signed out in another tab, or the account ended: the stream ends now, and the desk
      // that reconnects is refused and shows the sign-in, faces gone.
      const unwatch = ctx.auth.onSessionsChanged(() => {
        if (!valid()) end();
      });
      let ended = false;
      function end(): void {
        if (ended) return;
        ended = true;
        clearInterval(keepAlive);
        unsubscribe();
        unwatch();
        open.delete(end);
        raw.end();
        // A peer that reads nothing never lets the end flush: do not wait for it.
        if (raw.writableLength > STREAM_BACKLOG_MAX) raw.destroy();
      }
      open.add(end);
      request.raw.socket.once('close', end);
    },
  );
}
