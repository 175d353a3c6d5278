import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  okResponseSchema,
  setupStatusResponseSchema,
  tokenResponseSchema,
  type SetupStatusResponse,
  type TokenResponse,
} from '../../../shared/api-types';
import { meResponseSchema, type MeResponse } from '../../../shared/staff';
import { loginFieldsSchema } from '../../../shared/visitor-fields';
import { ApiError } from '../../api-error';
import type { AppContext } from '../../context';
import { readForm } from '../form';
import { routeSchema } from '../openapi';

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'application/json'];
const TAGS = ['Sign-in'];

export function oauthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    '/v1/oauth',
    {
      config: { auth: 'none' },
      schema: routeSchema({
        summary: 'Get an access token',
        description:
          'Tokens live 30 days. Failed sign-ins are throttled per username (5 free, then doubling waits up to ' +
          '15 minutes): 1142 with status 429 and Retry-After, as when the desk is busy checking other sign-ins.',
        tags: TAGS,
        auth: 'none',
        form: { schema: loginFieldsSchema, types: FORM_TYPES },
        success: { schema: tokenResponseSchema },
        errors: { 400: ['1157'], 401: ['1142'], 429: ['1142'] },
      }),
    },
    async (request): Promise<TokenResponse> => {
      const { fields } = await readForm(request, { image: false });
      if (!fields.username || !fields.password) throw new ApiError('1157');
      const parsed = loginFieldsSchema.safeParse(fields);
      if (!parsed.success) throw new ApiError('2400', parsed.error.issues[0]?.message);
      const data = await ctx.auth.login({
        username: parsed.data.username,
        password: parsed.data.password,
        deviceInfo: parsed.data['device-info'] ?? request.headers['user-agent']?.slice(0, 200) ?? 'Unknown',
      });
      return { success: true, data };
    },
  );

  app.post(
    '/v1/oauth/revoke',
    {
      schema: routeSchema({ summary: 'End the token used', tags: TAGS, success: { schema: okResponseSchema } }),
    },
    async (request) => {
      ctx.auth.revoke(request.accessToken!);
      return { success: true };
    },
  );

  // First-run set-up: open only while the data directory has no staff account at all.
  app.get(
    '/v1/oauth/setup',
    {
      config: { auth: 'none' },
      schema: routeSchema({
        summary: 'Whether the desk still needs its first staff account',
        tags: TAGS,
        auth: 'none',
        success: { schema: setupStatusResponseSchema },
      }),
    },
    async (): Promise<SetupStatusResponse> => {
      // A desk that joined a site waits for the site's accounts: it makes no first account of its own.
      const noAccount = ctx.auth.needsFirstUser();
      const member = ctx.site.isMember();
      return { success: true, data: { needs_first_user: noAccount && !member, joining_site: noAccount && member } };
    },
  );

  app.post(
    '/v1/oauth/setup',
    {
      config: { auth: 'none' },
      schema: routeSchema({
        summary: 'Create the first staff account',
        description: 'Only while there is no account at all; refused from other web sites (403).',
        tags: TAGS,
        auth: 'none',
        form: { schema: z.object({ username: z.string(), password: z.string() }), types: FORM_TYPES },
        success: { schema: okResponseSchema },
        errors: { 400: ['1157'], 409: ['1142', '2409'] },
      }),
    },
    async (request) => {
      const { fields } = await readForm(request, { image: false });
      if (!fields.username || !fields.password) throw new ApiError('1157');
      // Its accounts are the site's: a first account made here would be an admin of every desk.
      if (ctx.site.isMember()) {
        throw new ApiError('2409', 'This desk joined a site: sign in with an account of the site once it arrives.');
      }
      await ctx.auth.createFirstUser(fields.username, fields.password);
      return { success: true };
    },
  );

  app.get(
    '/v1/me',
    {
      schema: routeSchema({
        summary: 'Who the token belongs to, and their role',
        tags: TAGS,
        success: { schema: meResponseSchema },
      }),
    },
    async (request): Promise<MeResponse> => {
      const user = ctx.repositories.users.byId(request.userId!)!;
      return {
        success: true,
        data: {
          username: user.username,
          role: user.role,
          badge_size: ctx.settings.readSite().badge_size,
          data_dir: ctx.dataDir,
          retention_choice_pending: user.role === 'admin' && ctx.settings.retentionChoicePending(),
        },
      };
    },
  );
}
