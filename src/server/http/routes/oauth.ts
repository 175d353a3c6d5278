import type { FastifyInstance } from 'fastify';
import { loginFieldsSchema } from '../../../shared/visitor-fields';
import type { SetupStatusResponse, TokenResponse } from '../../../shared/api-types';
import { ApiError } from '../../api-error';
import type { AppContext } from '../../context';
import { readForm } from '../form';

export function oauthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/v1/oauth', { config: { auth: 'none' } }, async (request): Promise<TokenResponse> => {
    const { fields } = await readForm(request, { image: false });
    if (!fields.username || !fields.password) throw new ApiError('1157');
    const parsed = loginFieldsSchema.safeParse(fields);
    if (!parsed.success) throw new ApiError('2400', parsed.error.issues[0]?.message);
    const data = await ctx.auth.login({
      username: parsed.data.username,
      password: parsed.data.password,
      deviceInfo: parsed.data['device-info'] ?? request.headers['user-agent']?.slice(0, 200) ?? 'Unknown',
      client: request.ip,
    });
    return { success: true, data };
  });

  app.post('/v1/oauth/revoke', async (request) => {
    ctx.auth.revoke(request.accessToken!);
    return { success: true };
  });

  // First-run set-up: open only while the data directory has no staff account at all.
  app.get('/v1/oauth/setup', { config: { auth: 'none' } }, async (): Promise<SetupStatusResponse> => {
    return { success: true, data: { needs_first_user: ctx.auth.needsFirstUser() } };
  });

  app.post('/v1/oauth/setup', { config: { auth: 'none' } }, async (request) => {
    const { fields } = await readForm(request, { image: false });
    if (!fields.username || !fields.password) throw new ApiError('1157');
    await ctx.auth.createFirstUser(fields.username, fields.password);
    return { success: true };
  });
}
