/**
 * Code commit → data commit links (`/api/v2/git/links/{sha}`), written by git-sync's hooks so that a teammate, CI or
 * a detached checkout reads the data a code commit saw. Ratatouille's own extension next to the Nessie-shaped API.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import type { CodeLinkStore } from '../../store/sqlite/code-link-store.ts';
import { clearPendingMerge, listPendingMerges } from '../../service/lockstep/pending-merges.ts';
import { CodeLinksUnavailableError } from './code-links-unavailable.ts';
import { NoSuchCodeLinkError } from './no-such-code-link.ts';

const gitSha = z.string().regex(/^[0-9a-fA-F]{7,64}$/, { message: 'a git commit sha (hex)' });
const linkBody = z.object({
  dataRef: z.string().min(1),
  dataHash: z.string().regex(/^[0-9a-fA-F]{8,64}$/, { message: 'a data commit hash (hex)' }),
  codeBranch: z.string().min(1).optional(),
});
const listQuery = z.object({ dataHash: z.string().regex(/^[0-9a-fA-F]{8,64}$/) });
const pendingQuery = z.object({ target: z.string().min(1).optional() });
const clearQuery = z.object({ target: z.string().min(1) });
const pendingId = z.string().regex(/^[0-9a-f]{8,64}$/, { message: 'a pending merge id (hex)' });

export function gitRouter(ctx: AppContext): Router {
  const router = Router();
  const links = (): CodeLinkStore => {
    if (!ctx.codeLinks) throw new CodeLinksUnavailableError();
    return ctx.codeLinks;
  };

  router.get('/links/:sha', (req, res) => {
    const sha = gitSha.parse(req.params['sha']);
    const link = links().get(sha);
    if (!link) throw new NoSuchCodeLinkError(sha);
    res.json(link);
  });

  router.put('/links/:sha', async (req, res) => {
    const sha = gitSha.parse(req.params['sha']);
    const body = linkBody.parse(req.body ?? {});
    // The data commit must exist: a link to nowhere would make a detached checkout fail much later, far from here.
    const at = await ctx.store.resolve(`@${body.dataHash}`);
    res.json(links().put({ sha, dataRef: body.dataRef, dataHash: at.hash, codeBranch: body.codeBranch }));
  });

  router.get('/links', (req, res) => {
    const q = listQuery.parse(req.query);
    res.json({ links: links().byDataHash(q.dataHash) });
  });

  // Forge merges the server could not finish (derived tables to rebuild, conflicts to decide): `rat sync` finishes
  // them and clears them, `rat status` reports them.
  router.get('/pending-merges', (req, res) => {
    const q = pendingQuery.parse(req.query);
    res.json({ pendingMerges: listPendingMerges(ctx, q.target) });
  });

  router.delete('/pending-merges/:id', (req, res) => {
    clearPendingMerge(ctx, pendingId.parse(req.params['id']), clearQuery.parse(req.query).target);
    res.status(204).end();
  });

  return router;
}
