import type { NextFunction, Request, Response } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import type { Action, Principal } from '../../auth/policy.ts';
import type { HistoryMembership } from '../../service/history/on-history.ts';
import { ForbiddenError, UnauthorizedError } from '../../errors/index.ts';
import { accessOf, grantAccess } from './access.ts';
import { isPublicRoute, requirementOf } from './requirement.ts';

/**
 * First step, before the body is even read: the bearer token must verify (401 with `WWW-Authenticate` when missing or
 * bad). Public routes (health, token endpoint, signed webhooks) pass.
 */
export function authenticate(auth: AuthService) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (isPublicRoute(req.method, req.path)) return next();
    try {
      grantAccess(req, await auth.authenticate(req.header('authorization')), auth.policy);
    } catch (err) {
      const challenge = err instanceof UnauthorizedError ? err.data['wwwAuthenticate'] : undefined;
      if (typeof challenge === 'string') res.setHeader('WWW-Authenticate', challenge);
      throw err;
    }
    next();
  };
}

/**
 * The one authorization step, before any handler: work out what the request does to which references (the body is
 * parsed by now: a merge names its source there) and ask the policy (403 naming the missing permission). A read of
 * `ref@hash` also needs the commit on `ref`'s history, unless the caller may read every reference anyway. Handlers
 * only see the outcome, through `accessOf(req)`.
 */
export function authorize(auth: AuthService, history: HistoryMembership, defaultBranch: string) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    if (isPublicRoute(req.method, req.path)) return next();
    const principal = accessOf(req).principal;
    // `authenticate` ran first; without a principal here the app was wired wrongly, and that must not open anything.
    if (!principal) throw new UnauthorizedError('Not authenticated.');
    const need = requirementOf(
      { method: req.method, path: req.path, query: req.query as Record<string, unknown>, body: req.body },
      defaultBranch,
    );
    if (need.kind === 'actions') {
      const d = auth.policy.decide(principal, need.actions);
      if (!d.allow) throw new ForbiddenError(principal.id, d.permission, d.ref, d.reason);
      await checkPinnedCommits(auth, history, principal, need.actions);
    }
    next();
  };
}

/**
 * 403 for a read of `ref@hash` whose commit is not on `ref`'s history: a reader of one branch must not read any commit
 * by hash. A commit that does not exist gets the same 403 (not the 404 the handler would give), or the answer would
 * tell that reader which commits exist on references it cannot read. Free for callers that may read every reference
 * (they could read the commit detached, and get Nessie's 404 for an unknown one) and for a pinned head; otherwise a
 * walk bounded by the commits between the head and the commit, cached per (head, commit).
 */
async function checkPinnedCommits(
  auth: AuthService,
  history: HistoryMembership,
  principal: Principal,
  actions: readonly Action[],
): Promise<void> {
  for (const a of actions) {
    if (a.kind !== 'read' || a.at === undefined || a.ref === null) continue;
    if (auth.policy.has(principal, 'read', null)) return;
    if (!(await history.contains(a.ref, a.at))) throw new ForbiddenError(principal.id, 'read', null, 'not-on-ref', a);
  }
}
