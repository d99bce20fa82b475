/**
 * Code commit → data commit links (git lockstep): written by git-sync's hooks so that a teammate, CI or a detached
 * checkout reads the data a code commit saw.
 */
import type { AppContext } from '../../app-context.ts';
import {
  BadRequestError,
  CodeLinksUnavailableError,
  ForbiddenError,
  NoSuchCodeLinkError,
  NoSuchReferenceError,
} from '../../errors/index.ts';
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

/** Who writes a link: the caller's name and what it may do (`accessOf(req)` with auth on; everything without). */
export interface LinkWriter {
  name: string;
  canMerge(dataRef: string): boolean;
  readsEverything(): boolean;
}

/**
 * Records (or replaces) the data commit of a code commit. The data commit must exist and be on `dataRef`'s history:
 * a link to nowhere would make a detached checkout fail much later, far from here, and a link to a commit of another
 * reference would hand its data to whoever checks the code out. A link already recorded for another data reference
 * is replaced only by a caller who may merge into that reference: what a teammate's checkout of a shared commit
 * reads is theirs to change.
 *
 * @example await putCodeLink(ctx, { sha: '1a2b3c4', dataRef: 'main', dataHash: '5e6f7a8b' }, { name: 'ci', canMerge: () => true, readsEverything: () => true })
 */
export async function putCodeLink(
  ctx: Deps,
  link: { sha: string; dataRef: string; dataHash: string; codeBranch?: string },
  caller: LinkWriter,
): Promise<CodeLinkRecord> {
  const store = links(ctx);
  const dataHash = await commitOnDataRef(ctx, link, caller);
  const existing = await store.get(link.sha);
  if (existing && existing.dataRef !== link.dataRef && !caller.canMerge(existing.dataRef)) {
    throw new ForbiddenError(caller.name, 'merge', existing.dataRef, 'missing-permission');
  }
  return store.put({ sha: link.sha, dataRef: link.dataRef, dataHash, codeBranch: link.codeBranch });
}

/**
 * The full hash of the link's data commit, checked to be on `dataRef`'s history (which the caller may read: the
 * authorization step asked for that). A commit that does not exist, or whose prefix is ambiguous, gets the same
 * answer as one of another reference, so a writer cannot learn which commits exist on references it cannot read.
 */
async function commitOnDataRef(
  ctx: Deps,
  link: { dataRef: string; dataHash: string },
  caller: LinkWriter,
): Promise<string> {
  // A link copied from a rewritten commit may name a data branch deleted since: with no history to check the commit
  // against, only a caller who may read any commit (every reference) may link one, and the others learn nothing of it.
  const head = await ctx.store.resolve(link.dataRef).catch((err: unknown) => {
    if (err instanceof NoSuchReferenceError) return undefined;
    throw err;
  });
  if (!head) {
    if (!caller.readsEverything()) throw new ForbiddenError(caller.name, 'read', null, 'missing-permission');
    return (await ctx.store.resolve(`@${link.dataHash}`)).hash;
  }
  const notOnHistory = new BadRequestError(
    `Data commit ${link.dataHash} is not on the history of "${link.dataRef}": link a commit of that reference.`,
    { dataRef: link.dataRef, dataHash: link.dataHash },
  );
  const at = await ctx.store.resolve(`@${link.dataHash}`).catch((err: unknown) => {
    // The store refuses an unknown hash (NoSuchReferenceError) and an ambiguous prefix (BadRequestError).
    if (err instanceof NoSuchReferenceError || err instanceof BadRequestError) throw notOnHistory;
    throw err;
  });
  if ((await ctx.store.mergeBase(at.hash, head.hash)) !== at.hash) throw notOnHistory;
  return at.hash;
}

/** The code commits linked to a data commit. */
export async function codeLinksOf(ctx: Deps, dataHash: string): Promise<CodeLinkRecord[]> {
  return links(ctx).byDataHash(dataHash);
}
