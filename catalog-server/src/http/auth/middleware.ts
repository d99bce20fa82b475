import type { NextFunction, Request, Response } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import { ForbiddenError, UnauthorizedError } from '../../errors/index.ts';
import { grantAccess } from './access.ts';
import { isPublicRoute, requirementOf } from './requirement.ts';

/**
 * The one authorization step, before any handler: authenticate the bearer token (401 with `WWW-Authenticate` when
 * missing or bad), work out what the request does to which references, and ask the policy (403 naming the missing
 * permission). Handlers only see the outcome, through `accessOf(req)`.
 */
export function authorize(auth: AuthService, defaultBranch: string) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (isPublicRoute(req.method, req.path)) return next();
    let principal;
    try {
      principal = await auth.authenticate(req.header('authorization'));
    } catch (err) {
      const challenge = err instanceof UnauthorizedError ? err.data['wwwAuthenticate'] : undefined;
      if (typeof challenge === 'string') res.setHeader('WWW-Authenticate', challenge);
      throw err;
    }
    const need = requirementOf(
      { method: req.method, path: req.path, query: req.query as Record<string, unknown>, body: req.body },
      defaultBranch,
    );
    if (need.kind === 'actions') {
      const d = auth.policy.decide(principal, need.actions);
      if (!d.allow) throw new ForbiddenError(principal.id, d.permission, d.ref, d.reason);
    }
    grantAccess(req, principal, auth.policy);
    next();
  };
}
