import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { authorize } from './middleware.ts';
import { tokenRouter } from './token-route.ts';

/**
 * Mounted before every API router: the token endpoint, then the authorization middleware. Without an auth config
 * (a loopback-only server) it passes everything through.
 */
export function authRouter(ctx: AppContext): Router {
  const router = Router();
  if (!ctx.auth) return router;
  router.use(tokenRouter(ctx.auth));
  router.use(authorize(ctx.auth, ctx.store.defaultBranch));
  return router;
}

export { accessOf, type Access } from './access.ts';
