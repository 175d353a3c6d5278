import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { okResponseSchema } from '../../../shared/api-types';
import {
  createSiteSchema,
  deskAddressSchema,
  inviteResponseSchema,
  joinSiteSchema,
  listenSchema,
  peerAddressOf,
  siteResponseSchema,
  siteStatusResponseSchema,
  sitesResponseSchema,
  type InviteResponse,
  type ListenAt,
  type SiteResponse,
  type SiteStatusResponse,
  type SitesResponse,
} from '../../../shared/site';
import { ApiError } from '../../api-error';
import type { CompanySites } from '../../company/company-sites';
import type { AppContext } from '../../context';
import { parsePeerAddress, peerHosts } from '../../site/peer-address';
import { PeerError } from '../../site/peer-client';
import { probeListen, type PeerListener } from '../../site/peer-listener';
import { SiteError } from '../../site/site-service';
import { formatLocalTime } from '../../time-format';
import { routeSchema } from '../openapi';

const SITE = ['Site (admin)'];
const adminOnly = { 403: ['1300' as const] };

/** Why a desk cannot listen at an address, as an IT person reads it. */
const LISTEN_FAULTS: Record<string, string> = {
  EADDRINUSE: 'another program uses that port',
  EADDRNOTAVAIL: 'that is not an address of this computer',
  EACCES: 'that port needs privileges this app does not have',
  ENOTFOUND: 'that name is not an address of this computer',
};

/**
 * A step of creating or joining a site, its failures as the API's errors: what the site
 * refused (a used code, a desk with visitors), a desk that could not be reached, or an
 * address this desk cannot listen at, each with what to do; never a stack trace.
 */
async function siteStep<T>(step: () => Promise<T> | T, listen?: ListenAt): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof SiteError) {
      throw new ApiError(error.status === 400 ? '2400' : '2409', error.message);
    }
    if (error instanceof PeerError) {
      // The inviting desk's own words: a wrong, used or expired code is the code's fault.
      const message = `The other desk: ${error.message.slice(0, 300)}`;
      throw error.status === 403 ? new ApiError('2400', message, { field: 'code' }) : new ApiError('2409', message);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (listen && code?.startsWith('E')) {
      const fault = LISTEN_FAULTS[code] ?? `the system refused it (${code})`;
      throw new ApiError('2409', `This desk cannot listen for desks at ${listen.host}:${listen.port}: ${fault}.`, {
        field: 'listen',
      });
    }
    throw error;
  }
}

/**
 * Administration → Site (API contract Part 3): registered in the admin scope (admin.ts),
 * whose rule lets admins only.
 */
export function siteAdminRoutes(untyped: FastifyInstance, ctx: AppContext, peers: PeerListener): void {
  const admin = untyped.withTypeProvider<ZodTypeProvider>();
  const deskParams = z.object({ desk_id: z.string().max(64) });

  admin.get(
    '/site',
    {
      schema: routeSchema({
        summary: 'The site this desk belongs to, and its desks',
        description:
          'For each desk: where this desk reaches it, when they last exchanged changes, whether it is revoked, ' +
          'and how many changes each still lacks of the other as far as this desk knows. 3404 for a desk alone.',
        tags: SITE,
        success: { schema: siteResponseSchema },
        errors: { ...adminOnly, 404: ['3404'] },
      }),
    },
    async (): Promise<SiteResponse> => ({ success: true, data: ctx.site.describe() }),
  );

  admin.post(
    '/site',
    {
      schema: routeSchema({
        summary: 'Make this desk the first desk of a new site',
        description:
          'Makes the desk’s key and certificate and starts listening for the other desks at `listen`. 2409 for a ' +
          'desk that already belongs to a site, or an address it cannot listen at (the site is made: set ' +
          'another with PUT /v1/admin/site/listen).',
        tags: SITE,
        body: createSiteSchema,
        success: { status: 201, schema: siteResponseSchema },
        errors: { ...adminOnly, 400: ['2400'], 409: ['2409'] },
      }),
    },
    async (request, reply): Promise<SiteResponse> => {
      const { name, desk_name, listen } = request.body;
      if (ctx.site.isMember()) throw new ApiError('2409', 'This desk already belongs to a site.');
      await siteStep(() => probeListen(listen), listen);
      await siteStep(() => ctx.site.create(name, desk_name));
      await siteStep(() => peers.start(listen), listen);
      void reply.code(201);
      return { success: true, data: ctx.site.describe() };
    },
  );

  admin.put(
    '/site/listen',
    {
      schema: routeSchema({
        summary: 'Where this desk listens for the other desks',
        description:
          'Moves the peer listener; the other desks learn the new address the next time this desk asks them for ' +
          'changes. 2409 when it cannot listen there (it goes on listening where it did).',
        tags: SITE,
        body: listenSchema,
        success: { schema: siteStatusResponseSchema },
        errors: { ...adminOnly, 400: ['2400'], 404: ['3404'], 409: ['2409'] },
      }),
    },
    async (request): Promise<SiteStatusResponse> => {
      if (!ctx.site.isMember()) throw new ApiError('3404', 'This desk does not belong to a site.');
      await siteStep(() => peers.start(request.body), request.body);
      return { success: true, data: { site: ctx.site.status(peers.address()), peer_hosts: peerHosts() } };
    },
  );

  admin.post(
    '/site/invite',
    {
      schema: routeSchema({
        summary: 'Add a desk: a one-time join code and this desk’s address',
        description:
          'The code is valid for 15 minutes, once; it carries enough of this desk’s certificate that the new desk ' +
          'can tell it reached this one. 2409 while this desk is not listening for desks.',
        tags: SITE,
        success: { schema: inviteResponseSchema },
        errors: { ...adminOnly, 404: ['3404'], 409: ['2409'] },
      }),
    },
    async (): Promise<InviteResponse> => {
      const address = peers.address();
      if (!ctx.site.isMember()) throw new ApiError('3404', 'This desk does not belong to a site.');
      if (!address) throw new ApiError('2409', 'This desk is not listening for desks: set where it listens first.');
      const { code, expiresAt } = ctx.site.invite();
      return { success: true, data: { code, address, expires_time: formatLocalTime(expiresAt) } };
    },
  );

  admin.post(
    '/site/desks/:desk_id/revoke',
    {
      schema: routeSchema({
        summary: 'Revoke a desk (a stolen or retired kiosk)',
        description:
          'From then on no desk of the site accepts anything from it or sends it anything; the revocation ' +
          'travels like any change. 2409 for this desk itself.',
        tags: SITE,
        params: deskParams,
        success: { schema: siteResponseSchema },
        errors: { ...adminOnly, 404: ['3404'], 409: ['2409'] },
      }),
    },
    async (request): Promise<SiteResponse> => {
      ctx.site.revoke(request.params.desk_id);
      return { success: true, data: ctx.site.describe() };
    },
  );

  admin.put(
    '/site/desks/:desk_id/address',
    {
      schema: routeSchema({
        summary: 'Set the address at which this desk reaches another',
        description: 'Overrides any address learned otherwise (DHCP moved a desk; an odd network).',
        tags: SITE,
        params: deskParams,
        body: deskAddressSchema,
        success: { schema: siteResponseSchema },
        errors: { ...adminOnly, 404: ['3404'] },
      }),
    },
    async (request): Promise<SiteResponse> => {
      const address = parsePeerAddress(request.body.address);
      if (!address) throw new ApiError('2400', 'address must be https://host:port.', { field: 'address' });
      ctx.site.setAddressFor(request.params.desk_id, address);
      return { success: true, data: ctx.site.describe() };
    },
  );
}

/** The site as every staff member sees it, and joining one from a new desk's first-run screen. */
export function siteRoutes(untyped: FastifyInstance, ctx: AppContext, peers: PeerListener): void {
  const app = untyped.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/v1/site',
    {
      schema: routeSchema({
        summary: 'The site this desk belongs to, and when it last heard from each other desk',
        description:
          'For the top bar’s quiet status; `site` is null for a desk on its own. `peer_hosts` only for an admin.',
        tags: ['Site'],
        success: { schema: siteStatusResponseSchema },
      }),
    },
    async (request): Promise<SiteStatusResponse> => ({
      success: true,
      // The machine's addresses are for whoever sets the site up: an admin.
      data: {
        site: ctx.site.status(peers.address()),
        peer_hosts: ctx.auth.roleOf(request.userId!) === 'admin' ? peerHosts() : [],
      },
    }),
  );

  app.get(
    '/v1/oauth/setup/site',
    {
      config: { auth: 'none' },
      schema: routeSchema({
        summary: 'Addresses a new desk could listen at, for "Join a site" on the first-run screen',
        description: 'Only while the desk has no staff account at all (2409 after).',
        tags: ['Site'],
        auth: 'none',
        success: { schema: siteStatusResponseSchema },
        errors: { 409: ['2409'] },
      }),
    },
    async (): Promise<SiteStatusResponse> => {
      if (!ctx.auth.needsFirstUser()) throw new ApiError('2409', 'This desk is set up already.');
      return { success: true, data: { site: ctx.site.status(peers.address()), peer_hosts: peerHosts() } };
    },
  );

  app.post(
    '/v1/oauth/setup/join',
    {
      config: { auth: 'none' },
      schema: routeSchema({
        summary: 'Join a site: the first-run alternative to creating the first account',
        description:
          'Only while the desk has no staff account and no visitors (2409 after). Checks that the desk at `peer` ' +
          'is the one that made `code`, joins, and starts listening at `listen`; the site’s accounts arrive ' +
          'within seconds, then staff sign in with them. Refused from other web sites (403).',
        tags: ['Site'],
        auth: 'none',
        body: joinSiteSchema,
        success: { schema: okResponseSchema },
        errors: { 400: ['2400'], 409: ['2409'] },
      }),
    },
    async (request) => {
      const { peer, code, desk_name, listen } = request.body;
      if (!ctx.auth.needsFirstUser()) throw new ApiError('2409', 'This desk is set up already: sign in.');
      const address = parsePeerAddress(peer);
      if (!address) throw new ApiError('2400', 'peer must be https://host:port.', { field: 'peer' });
      // Said before joining: a desk that joined but cannot listen would not fetch the site either.
      await siteStep(() => probeListen(listen), listen);
      await siteStep(() => ctx.site.join(address, code, desk_name, peerAddressOf(listen), { fetchNow: false }));
      await siteStep(() => peers.start(listen), listen);
      return { success: true as const };
    },
  );
}

/** Every site a company server holds, for head office (API contract Part 6). */
export function companySiteRoutes(untyped: FastifyInstance, sites: CompanySites): void {
  const app = untyped.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/v1/sites',
    {
      schema: routeSchema({
        summary: 'Every site this company server holds: its desks, who is on its premises, any open roll call',
        description:
          'Company server only. For the head-office screen: `on_premises` counts visitors not signed out; each ' +
          'desk says when the company server last heard from it.',
        tags: ['Sites (company server)'],
        success: { schema: sitesResponseSchema },
      }),
    },
    async (): Promise<SitesResponse> => ({ success: true, data: sites.list() }),
  );
}
