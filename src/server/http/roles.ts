import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error';
import type { AuthService } from '../services/auth-service';

/**
 * Everything under /v1/admin/ is for admins (API contract, Roles and staff). The rule
 * lives on the scope the admin routes are registered in, not on each route: a route
 * added there later cannot forget it. It runs after authentication and before the body
 * is read, and reads the role fresh, so a demotion takes effect on the next request.
 */
export function requireAdmin(scope: FastifyInstance, auth: AuthService): void {
  scope.addHook('onRequest', async (request) => {
    if (auth.roleOf(request.userId!) !== 'admin') {
      throw new ApiError('1300', 'Only an administrator can do this.');
    }
  });
}
