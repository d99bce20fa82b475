/**
 * Code commit → data commit links (`/api/v2/git/links/{sha}`), written by git-sync's hooks so that a teammate, CI or
 * a detached checkout reads the data a code commit saw. Ratatouille's own extension next to the Nessie-shaped API.
 */
import { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { codeLinksOf, getCodeLink, putCodeLink } from '../../service/git/code-links.ts';
import { requireBody } from '../json-body.ts';
import { gitSha, linkBody, linksQuery } from './schemas.ts';

export function gitRouter(ctx: AppContext): Router {
  const router = Router();

  router.get('/links/:sha', async (req, res) => {
    res.json(await getCodeLink(ctx, gitSha.parse(req.params['sha'])));
  });

  router.put('/links/:sha', async (req, res) => {
    const sha = gitSha.parse(req.params['sha']);
    res.json(await putCodeLink(ctx, { sha, ...requireBody(linkBody, req.body) }));
  });

  router.get('/links', async (req, res) => {
    res.json({ links: await codeLinksOf(ctx, linksQuery.parse(req.query).dataHash) });
  });

  return router;
}
