import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { refPermissions } from '../../auth/permissions.ts';
import { accessOf } from '../auth/access.ts';

const whoamiQuery = z.object({
  ref: z
    .preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().min(1)))
    .refine((refs) => refs.length <= 1000, 'give at most 1000 refs'),
});

/**
 * `GET /api/v2/rat/whoami[?ref=main&ref=dev]` — who the caller is and what it may do to each named reference (read,
 * commit, merge, manage, and whether it is protected), decided by the same policy as the requests themselves. Any
 * valid token may ask: the answer is about the caller's own rights and the config's patterns, never about what the
 * references hold (or whether they exist).
 */
export function whoamiRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/whoami', (req, res) => {
    const q = whoamiQuery.parse(req.query);
    const principal = accessOf(req).principal;
    res.json({
      authEnabled: ctx.auth !== undefined,
      principal: principal ? { id: principal.id, roles: principal.roles, via: principal.via } : null,
      // Whether any reference name may be created at all (then the UI offers tagging); which names, `refs` tells.
      mayCreate: !ctx.auth || !principal || ctx.auth.policy.grantsSomewhere(principal, 'write'),
      refs: refPermissions(ctx.auth?.policy, principal, q.ref),
    });
  });
  return router;
}
