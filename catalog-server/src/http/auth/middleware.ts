import type { NextFunction, Request, Response } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import type { Action, Principal } from '../../auth/policy.ts';
import type { HistoryMembership } from '../../service/history/on-history.ts';
import {
  ForbiddenError,
  ReadOnlyReferenceError,
  ReferenceConflictError,
  UnauthorizedError,
} from '../../errors/index.ts';
import { accessOf, grantAccess } from './access.ts';
import { requireKeyChecks } from './merge-keys.ts';
import { isIcebergPath, isPublicRoute, requirementOf } from './requirement.ts';

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
 * `ref@hash` also needs the commit on `ref`'s history, and a write's `ref@hash` off it is answered here, unless the
 * caller may read every reference anyway. Handlers only see the outcome, through `accessOf(req)`.
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
      if (!d.allow) throw new ForbiddenError(principal.id, d.permission, d.ref, d.reason, undefined, d.namespace);
      await checkPinnedCommits(auth, history, principal, need.actions, isIcebergPath(req.path));
      if (need.perKey) requireKeyChecks(req, need.perKey);
    }
    next();
  };
}

/**
 * The commits requests name as `ref@hash`, for callers who may not read every reference. A read needs the commit on
 * `ref`'s history: 403 otherwise, so a reader of one branch cannot read any commit by hash. A write's `ref@hash` (the
 * head a management API write expects, a point in history an Iceberg write cannot land on) off that history gets the
 * answer the write gives a commit there that is not on it: 409, the expected hash is not in the history; 400 on
 * Iceberg, read-only. A commit that does not exist (or a prefix several commits share) gets the same answers, not the
 * handler's 404 (400), or they would tell that caller which commits exist on references it cannot read.
 *
 * Free for callers that may read every reference (they could read the commit detached, and get Nessie's 404 for an
 * unknown one) and for a pinned head, the usual expected hash of a write; otherwise a walk bounded by the commits
 * between the head and the commit, cached per (head, commit). A commit on the history goes on to the handler, so a
 * writer's stale head keeps the store's answer.
 */
async function checkPinnedCommits(
  auth: AuthService,
  history: HistoryMembership,
  principal: Principal,
  actions: readonly Action[],
  iceberg: boolean,
): Promise<void> {
  for (const a of actions) {
    if (a.at === undefined || a.ref === null) continue;
    if (auth.policy.has(principal, 'read', null)) return;
    const { head, onHistory } = await history.lookup(a.ref, a.at);
    if (onHistory) continue;
    if (a.kind === 'read') throw new ForbiddenError(principal.id, 'read', null, 'not-on-ref', a);
    if (iceberg) throw new ReadOnlyReferenceError(`${a.ref}@${a.at}`);
    throw ReferenceConflictError.expectedNotInHistory(a.ref, a.at, head);
  }
}
