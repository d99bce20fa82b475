/**
 * Code commit → data commit links (`/api/v2/git/links/{sha}`), written by git-sync's hooks so that a teammate, CI or
 * a detached checkout reads the data a code commit saw. Ratatouille's own extension next to the Nessie-shaped API.
 */
import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { codeLinksOf, getCodeLink, putCodeLink } from '../../service/git/code-links.ts';
import { clearPendingMerge, listPendingMerges } from '../../service/lockstep/pending-merges.ts';
import { accessOf } from '../auth/access.ts';
import { requireBody } from '../json-body.ts';
import { pageOf } from '../management/schemas.ts';
import { pageJson } from '../management/serialize.ts';
import { refuseOtherMethods } from '../method-not-allowed.ts';
import { clearQuery, gitSha, linkBody, linksQuery, pendingId, pendingQuery } from './schemas.ts';

export function gitRouter(ctx: AppContext): Router {
  const router = Router();

  router.get('/links/:sha', async (req, res) => {
    res.json(await getCodeLink(ctx, gitSha.parse(req.params['sha']), accessOf(req)));
  });

  router.put('/links/:sha', async (req, res) => {
    const sha = gitSha.parse(req.params['sha']);
    const access = accessOf(req);
    const caller = {
      name: access.principal?.id ?? 'anonymous',
      canMerge: (ref: string) => access.canMerge(ref),
      canRead: (ref: string) => access.canRead(ref),
      readsEverything: () => access.readsEverything(),
    };
    res.json(await putCodeLink(ctx, { sha, ...requireBody(linkBody, req.body) }, caller));
  });

  router.get('/links', async (req, res) => {
    const q = linksQuery.parse(req.query);
    res.json(pageJson('links', await codeLinksOf(ctx, q.dataHash, accessOf(req), pageOf(q)), (l) => l));
  });

  // Forge merges the server could not finish (derived tables to rebuild, conflicts to decide): `rat sync` finishes
  // them and clears them, `rat status` reports them.
  router.get('/pending-merges', async (req, res) => {
    res.json({ pendingMerges: await listPendingMerges(ctx, pendingQuery.parse(req.query).target) });
  });

  router.delete('/pending-merges/:id', async (req, res) => {
    await clearPendingMerge(ctx, pendingId.parse(req.params['id']), clearQuery.parse(req.query).target);
    res.status(204).end();
  });

  refuseOtherMethods(router);
  return router;
}
