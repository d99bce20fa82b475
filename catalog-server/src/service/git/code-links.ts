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
import type { CodeLinkRecord, CodeLinks, LinkPosition } from '../../store/companions.ts';
import { fillPage } from '../../store/core/fill-page.ts';
import { decodeToken, encodeToken, pageSize } from '../../store/core/paging.ts';
import type { Page, PageRequest } from '../../store/types.ts';

type Deps = Pick<AppContext, 'store' | 'codeLinks'>;

function links(ctx: Deps): CodeLinks {
  if (!ctx.codeLinks) throw new CodeLinksUnavailableError();
  return ctx.codeLinks;
}

/** Who reads links: what it may read (`accessOf(req)` with auth on; everything without). */
export interface LinkReader {
  canRead(ref: string): boolean;
  readsEverything(): boolean;
}

/**
 * The data commit recorded for a code commit; NoSuchCodeLinkError when none is, or when the caller may not read it
 * (see `readable`): a link names a data branch and commit, which a reader of other branches must not learn of.
 *
 * @example (await getCodeLink(ctx, '1a2b3c4', { canRead: () => true, readsEverything: () => true })).dataHash
 */
export async function getCodeLink(ctx: Deps, sha: string, reader: LinkReader): Promise<CodeLinkRecord> {
  const link = await links(ctx).get(sha);
  if (!link || !(await readable(ctx, link, reader))) throw new NoSuchCodeLinkError(sha);
  return link;
}

/** Who writes a link: the caller's name and what it may do (`accessOf(req)` with auth on; everything without). */
export interface LinkWriter extends LinkReader {
  name: string;
  canMerge(dataRef: string): boolean;
}

/**
 * Records (or replaces) the data commit of a code commit. The data commit must exist and be on `dataRef`'s history:
 * a link to nowhere would make a detached checkout fail much later, far from here, and a link to a commit of another
 * reference would hand its data to whoever checks the code out. A link already recorded for another data reference
 * is replaced only by a caller who may merge into that reference: what a teammate's checkout of a shared commit
 * reads is theirs to change.
 *
 * @example await putCodeLink(ctx, { sha: '1a2b3c4', dataRef: 'main', dataHash: '5e6f7a8b' }, { name: 'ci', canMerge: () => true, canRead: () => true, readsEverything: () => true })
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
    // The refusal names the recorded data branch only to a caller who may read that link, as a read of it would.
    const shown = (await readable(ctx, existing, caller)) ? existing.dataRef : null;
    throw new ForbiddenError(caller.name, 'merge', shown, 'missing-permission');
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

/** Page size of link listings when the caller names none (what a listing held before it was paged). */
const DEFAULT_LINK_PAGE = 100;
/** Hidden links one listing request reads past at most, beyond its page and the link after it. */
const HIDDEN_LINKS_READ = 1_000;

/**
 * One page of the code commits linked to a data commit, newest first, those the caller may not read (see `readable`)
 * left out. Hidden links do not count: reading goes on until the page is full or the list ends (`fillPage`), so a
 * caller who may not read every reference gets full pages while links it may read follow, and a token only then. The
 * work per request is bounded: past `HIDDEN_LINKS_READ` hidden links the page ends where reading stopped, possibly
 * short or empty, and its token resumes after the last link read. All links of one listing share the data commit, so
 * whether the caller may read one depends on its data branch alone, which is looked up once per request.
 *
 * @example await codeLinksOf(ctx, '5e6f7a8b…', reader, { maxRecords: 50 }) // { items: [...], token: '…' } when more follow
 */
export async function codeLinksOf(
  ctx: Deps,
  dataHash: string,
  reader: LinkReader,
  page: PageRequest = {},
): Promise<Page<CodeLinkRecord>> {
  const store = links(ctx);
  const limit = pageSize(page.maxRecords, DEFAULT_LINK_PAGE);
  const byRef = new Map<string, Promise<boolean>>();
  const shown = (link: CodeLinkRecord): Promise<boolean> => {
    let answer = byRef.get(link.dataRef);
    if (!answer) byRef.set(link.dataRef, (answer = readable(ctx, link, reader)));
    return answer;
  };
  const filled = await fillPage<CodeLinkRecord, LinkPosition>({
    limit,
    after: page.pageToken ? decodeLinkPosition(page.pageToken) : undefined,
    read: (after, count) => store.byDataHash(dataHash, { limit: count, after }),
    positionOf: (link) => ({ recordedAt: link.recordedAt, sha: link.sha }),
    keep: (link) => reader.readsEverything() || shown(link),
    maxRead: limit + 1 + HIDDEN_LINKS_READ,
  });
  const token = filled.resumeAfter && encodeToken(`${filled.resumeAfter.recordedAt}\u0000${filled.resumeAfter.sha}`);
  return token ? { items: filled.items, token } : { items: filled.items };
}

/** The position a links page token names: `recordedAt NUL sha`. */
function decodeLinkPosition(token: string): LinkPosition {
  const [recordedAt, sha, ...rest] = decodeToken(token).split('\u0000');
  if (!recordedAt || !sha || rest.length > 0 || !/^[0-9a-f]{7,64}$/.test(sha)) {
    throw new BadRequestError(`Invalid pageToken "${token.slice(0, 200)}": pass the token a previous page returned.`);
  }
  return { recordedAt, sha };
}

/**
 * Whether a caller may see a link: one who may read every reference sees all (it could read the commit detached);
 * any other only links whose data commit it could read as `dataRef@dataHash`, that is with `read` on `dataRef` and the
 * commit on its history now. A link to a data branch deleted since, or re-pointed away from the commit, is one it could
 * not follow, and showing it would name a commit (and a branch) it may not read.
 */
async function readable(ctx: Deps, link: CodeLinkRecord, reader: LinkReader): Promise<boolean> {
  if (reader.readsEverything()) return true;
  if (!reader.canRead(link.dataRef)) return false;
  try {
    const head = await ctx.store.resolve(link.dataRef);
    return (await ctx.store.mergeBase(link.dataHash, head.hash)) === link.dataHash;
  } catch (err) {
    // A data branch deleted since, or a data commit no longer stored.
    if (err instanceof NoSuchReferenceError) return false;
    throw err;
  }
}
