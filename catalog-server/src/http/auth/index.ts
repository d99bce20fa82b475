import { Router, type RequestHandler } from 'express';
import type { AppContext } from '../../app-context.ts';
import { HistoryMembership } from '../../service/history/on-history.ts';
import { authenticate, authorize } from './middleware.ts';
import { openTokenEndpoint, tokenRouter } from './token-route.ts';

/**
 * Mounted before the body parser: the token endpoint, then authentication, so a request without a valid token is
 * refused before its body (up to 64 MB) is read. Without an auth config (loopback only) every request passes, and the
 * token endpoint hands any client a token nothing checks.
 */
export function authentication(ctx: AppContext): RequestHandler {
  // One path test rather than a router: every request crosses this, and a router costs a dispatch.
  if (!ctx.auth) return openTokenEndpoint();
  const router = Router();
  router.use(tokenRouter(ctx.auth));
  router.use(authenticate(ctx.auth));
  return router;
}

/** Mounted after the body parser, before every API router: the authorization decision. */
export function authorization(ctx: AppContext): RequestHandler {
  const auth = ctx.auth;
  if (!auth) return (_req, _res, next) => next();
  return authorize(auth, new HistoryMembership(ctx.store), ctx.store.defaultBranch);
}

export { accessOf, type Access } from './access.ts';
