/**
 * Code commit → data commit links (`/api/v2/git/links/{sha}`), written by git-sync's hooks so that a teammate, CI or
 * a detached checkout reads the data a code commit saw. Ratatouille's own extension next to the Nessie-shaped API.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import type { CodeLinks } from '../../store/companions.ts';
import { CodeLinksUnavailableError } from './code-links-unavailable.ts';
import { NoSuchCodeLinkError } from './no-such-code-link.ts';

const gitSha = z.string().regex(/^[0-9a-fA-F]{7,64}$/, { message: 'a git commit sha (hex)' });
const linkBody = z.object({
  dataRef: z.string().min(1),
  dataHash: z.string().regex(/^[0-9a-fA-F]{8,64}$/, { message: 'a data commit hash (hex)' }),
  codeBranch: z.string().min(1).optional(),
});
const listQuery = z.object({ dataHash: z.string().regex(/^[0-9a-fA-F]{8,64}$/) });

export function gitRouter(ctx: AppContext): Router {
  const router = Router();
  const links = (): CodeLinks => {
    if (!ctx.codeLinks) throw new CodeLinksUnavailableError();
    return ctx.codeLinks;
  };

  router.get('/links/:sha', async (req, res) => {
    const sha = gitSha.parse(req.params['sha']);
    const link = await links().get(sha);
    if (!link) throw new NoSuchCodeLinkError(sha);
    res.json(link);
  });

  router.put('/links/:sha', async (req, res) => {
    const sha = gitSha.parse(req.params['sha']);
    const body = linkBody.parse(req.body ?? {});
    // The data commit must exist: a link to nowhere would make a detached checkout fail much later, far from here.
    const at = await ctx.store.resolve(`@${body.dataHash}`);
    res.json(await links().put({ sha, dataRef: body.dataRef, dataHash: at.hash, codeBranch: body.codeBranch }));
  });

  router.get('/links', async (req, res) => {
    const q = listQuery.parse(req.query);
    res.json({ links: await links().byDataHash(q.dataHash) });
  });

  return router;
}
