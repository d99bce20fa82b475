/**
 * Reference operations of the management API (`/api/v2/trees`): list, create, read, assign, delete, and a
 * reference's recent heads. `{ref}` arrives parsed (see ref-path.ts); answers are store objects the HTTP layer
 * serializes in Nessie's shapes.
 */
import { BadRequestError } from '../../errors/index.ts';
import type { Commit, Page, PageRequest, Reference, ReferenceType, VersionStore } from '../../store/types.ts';
import { keepsOnlyBranches, referenceFilter } from './cel-filters.ts';
import { referenceMetadataReader, type ReferenceMetadata } from './reference-metadata.ts';
import { resolveBodyCommit, writeTarget, type RefPath } from './ref-path.ts';

/** What `GET /api/v2/config` reports: Nessie's API version fields and the store's default branch and root hash. */
export interface ManagementConfig {
  defaultBranch: string;
  minSupportedApiVersion: number;
  maxSupportedApiVersion: number;
  actualApiVersion: number;
  specVersion: string;
  noAncestorHash: string;
}

/** @example managementConfig(store).defaultBranch // 'main' */
export function managementConfig(store: VersionStore): ManagementConfig {
  return {
    defaultBranch: store.defaultBranch,
    minSupportedApiVersion: 2,
    maxSupportedApiVersion: 2,
    actualApiVersion: 2,
    specVersion: '2.2.0',
    noAncestorHash: store.noAncestorHash,
  };
}

/** A listed reference, with its metadata when the listing fetched it (`fetch=ALL`). */
export type ListedReference = Reference & { metadata?: ReferenceMetadata };

/** How references are listed: Nessie's `fetch=ALL` (each with its metadata) and CEL `filter`. */
export interface ReferenceListing {
  fetchAll?: boolean;
  filter?: string;
  /** Whether the caller may read a reference's history: only those get metadata (see referenceMetadataReader). */
  readsHistory?: (name: string) => boolean;
}

/**
 * The references the caller may read, branches before tags, each by name (Nessie's order: its internal names are
 * refs/heads/… and refs/tags/…), one page at a time, paged in the database; with `fetchAll` each carries its metadata
 * (reference-metadata.ts), and a `filter` (cel-filters.ts) keeps the ones it accepts — a page still holds the next
 * references that pass.
 *
 * @example await listReferences(store, () => true, { maxRecords: 10 }, { fetchAll: true })
 */
export async function listReferences(
  store: VersionStore,
  canRead: (name: string) => boolean,
  page: PageRequest,
  listing: ReferenceListing = {},
): Promise<Page<ListedReference>> {
  const matches = listing.filter ? await referenceFilter(listing.filter) : undefined;
  const metadataOf = listing.fetchAll ? memoized(referenceMetadataReader(store, listing.readsHistory)) : undefined;
  const refs = await store.listReferencesPage({
    ...page,
    branchesOnly: listing.filter !== undefined && keepsOnlyBranches(listing.filter),
    // Synchronous without a CEL filter: a plain listing of 100,000 tags awaits nothing per tag.
    filter: matches ? async (r) => canRead(r.name) && matches(r, await metadataOf?.(r)) : (r) => canRead(r.name),
  });
  if (!metadataOf) return refs;
  const items = await Promise.all(refs.items.map(async (r) => withMetadata(r, await metadataOf(r))));
  return { ...refs, items };
}

/** A reference by plain name (no hash, no relative part), with its metadata when `fetchAll` (as in the listing). */
export async function getReference(
  store: VersionStore,
  ref: RefPath,
  listing: Pick<ReferenceListing, 'fetchAll' | 'readsHistory'> = {},
): Promise<ListedReference> {
  const found = await store.getReference(plainName(ref, 'fetching a reference by name'));
  if (!listing.fetchAll) return found;
  return withMetadata(found, await referenceMetadataReader(store, listing.readsHistory)(found));
}

function withMetadata(ref: Reference, metadata: ReferenceMetadata | undefined): ListedReference {
  return metadata ? { ...ref, metadata } : ref;
}

/** The reader's answers by reference name: a filtered listing reads a reference's metadata once, not twice. */
function memoized(read: (r: Reference) => Promise<ReferenceMetadata | undefined>) {
  const known = new Map<string, Promise<ReferenceMetadata | undefined>>();
  return (r: Reference) => {
    let m = known.get(r.name);
    if (!m) known.set(r.name, (m = read(r)));
    return m;
  };
}

/**
 * A reference or commit named in a request body: `{type?, name?, hash}`. A `DETACHED` type (what Nessie's Java
 * client sends for a bare commit) has no name; `hash` may carry relative lookups (`1a2b3c4d~1`).
 */
export interface ReferenceTarget {
  type?: ReferenceType | 'DETACHED';
  name?: string;
  hash?: string;
}

function targetCommit(store: VersionStore, target: ReferenceTarget & { hash: string }): Promise<string> {
  const name = target.type === 'DETACHED' ? null : (target.name ?? null);
  return resolveBodyCommit(store, name, target.hash);
}

/**
 * Creates a branch or tag at the commit `from` names (which must exist; the name, when given, must be a reference).
 *
 * @example await createReference(store, { name: 'dev', type: 'BRANCH' }, { name: 'main', hash: '1a2b3c4d' })
 */
export async function createReference(
  store: VersionStore,
  ref: { name: string; type: ReferenceType },
  from: ReferenceTarget,
): Promise<Reference> {
  if (!from.hash) throw new BadRequestError('Target hash must be provided: send {"type","name","hash"} of the source.');
  return store.createReference(ref.name, ref.type, await targetCommit(store, { ...from, hash: from.hash }));
}

/**
 * Moves a reference (`{ref}` names it with the head the caller saw) to the commit `to` names.
 *
 * @example await assignReference(store, parseRefPath('dev@1a2b3c4d', 'main'), 'BRANCH', { hash: '5e6f7a8b' })
 */
export async function assignReference(
  store: VersionStore,
  ref: RefPath,
  type: ReferenceType | undefined,
  to: ReferenceTarget,
): Promise<Reference> {
  if (!to.hash) throw new BadRequestError('Assign needs the target in the body: {"type","name","hash"}.');
  const target = await writeTarget(store, ref);
  const dest = await targetCommit(store, { ...to, hash: to.hash });
  return store.assignReference(target.name, type, target.expectedHash, dest);
}

/** Deletes a reference whose head is still the one `{ref}` names. */
export async function deleteReference(
  store: VersionStore,
  ref: RefPath,
  type: ReferenceType | undefined,
): Promise<Reference> {
  const target = await writeTarget(store, ref);
  return store.deleteReference(target.name, type, target.expectedHash);
}

/** A head of a reference: its commit, or null for the root commit (Nessie's "no ancestor" marker has no meta). */
export interface HeadPointer {
  hash: string;
  commit: Commit | null;
}

/**
 * Nessie's "recent changes" of a reference: its current and previous heads, newest first, answered from the reflog
 * back to the reference's latest creation (every head move is kept, so Nessie's `scan-commits` is not needed).
 * `readsEverything` false (a caller who may read this reference but not every one): a previous head that is not on
 * the reference's history now (it was re-pointed elsewhere and back) is left out, since reading that commit would
 * need more than the right to read this reference.
 *
 * @example (await recentChanges(store, parseRefPath('main', 'main'), true)).previous.length
 */
export async function recentChanges(
  store: VersionStore,
  ref: RefPath,
  readsEverything: boolean,
): Promise<{ reference: Reference; current: HeadPointer; previous: HeadPointer[] }> {
  const reference = await store.getReference(plainName(ref, 'fetching a reference history'));
  const page = await store.reflog({ refName: reference.name, maxRecords: 250 });
  const heads: string[] = [];
  for (const e of page.items) {
    if (e.newHash) heads.push(e.newHash);
    if (e.operation === 'CREATE') break;
  }
  const pointer = async (hash: string): Promise<HeadPointer> => {
    const c = await store.getCommit(hash);
    return { hash, commit: c.parentHashes.length ? c : null };
  };
  let previous = heads.slice(heads[0] === reference.hash ? 1 : 0);
  if (!readsEverything) {
    const onHistory = await Promise.all(previous.map(async (h) => (await store.mergeBase(h, reference.hash)) === h));
    previous = previous.filter((_, i) => onHistory[i]);
  }
  return { reference, current: await pointer(reference.hash), previous: await Promise.all(previous.map(pointer)) };
}

function plainName(ref: RefPath, what: string): string {
  if (ref.name === null || ref.hash !== null || ref.relatives.length > 0) {
    throw new BadRequestError(`Hashes are not allowed when ${what}.`);
  }
  return ref.name;
}
