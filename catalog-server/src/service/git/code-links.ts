/**
 * Code commit → data commit links (git lockstep): written by git-sync's hooks so that a teammate, CI or a detached
 * checkout reads the data a code commit saw.
 */
import type { AppContext } from '../../app-context.ts';
import { CodeLinksUnavailableError, NoSuchCodeLinkError } from '../../errors/index.ts';
import type { CodeLinkRecord, CodeLinks } from '../../store/companions.ts';

type Deps = Pick<AppContext, 'store' | 'codeLinks'>;

function links(ctx: Deps): CodeLinks {
  if (!ctx.codeLinks) throw new CodeLinksUnavailableError();
  return ctx.codeLinks;
}

/**
 * The data commit recorded for a code commit; NoSuchCodeLinkError when none is.
 *
 * @example (await getCodeLink(ctx, '1a2b3c4')).dataHash
 */
export async function getCodeLink(ctx: Deps, sha: string): Promise<CodeLinkRecord> {
  const link = await links(ctx).get(sha);
  if (!link) throw new NoSuchCodeLinkError(sha);
  return link;
}

/**
 * Records (or replaces) the data commit of a code commit. The data commit must exist: a link to nowhere would make a
 * detached checkout fail much later, far from here.
 *
 * @example await putCodeLink(ctx, { sha: '1a2b3c4', dataRef: 'main', dataHash: '5e6f7a8b' })
 */
export async function putCodeLink(
  ctx: Deps,
  link: { sha: string; dataRef: string; dataHash: string; codeBranch?: string },
): Promise<CodeLinkRecord> {
  const store = links(ctx);
  const at = await ctx.store.resolve(`@${link.dataHash}`);
  return store.put({ sha: link.sha, dataRef: link.dataRef, dataHash: at.hash, codeBranch: link.codeBranch });
}

/** The code commits linked to a data commit. */
export async function codeLinksOf(ctx: Deps, dataHash: string): Promise<CodeLinkRecord[]> {
  return links(ctx).byDataHash(dataHash);
}
