import { BadRequestError } from '../../errors/index.ts';
import { assertValidReferenceName } from '../../store/ref-name.ts';
import { DETACHED } from '../../store/ref-spec.ts';
import type { ReferenceType, ResolvedRef, VersionStore } from '../../store/types.ts';

/** Re-exported for the HTTP layer's authorization, which reads ref paths without the store. */
export { DETACHED };

/**
 * The `{ref}` path element of Nessie's REST API v2:
 * `name`, `name@hash`, `@hash` or `DETACHED@hash` (detached), `-` (the default branch), each optionally followed by relative lookups:
 * `~N` (N-th predecessor on the first-parent line), `^N` (N-th parent: 1 = first, 2 = merge parent) and `*T`
 * (the newest commit at or before T, T in epoch milliseconds or ISO-8601), e.g. `main@1a2b3c4d~2` or
 * `main*2026-11-22T10:00:00Z`. Names may contain slashes (`feature/x`), URL-encoded as `%2F`.
 */
export interface RefPath {
  /** null for a detached hash (`@hash`). */
  name: string | null;
  hash: string | null;
  relatives: RelativeSpec[];
}

export type RelativeSpec = { kind: '~' | '^'; n: number } | { kind: '*'; at: number; text: string };

const HASH = /^[0-9a-fA-F]{8,64}/;
const RELATIVE = /^([~^*])([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(?:Z|[+-][0-9]{2}:[0-9]{2})|[0-9]+)/;

/** @example parseRefPath('main@1a2b3c4d~1', 'main') → { name: 'main', hash: '1a2b3c4d', relatives: [{ kind: '~', n: 1 }] } */
export function parseRefPath(text: string, defaultBranch: string): RefPath {
  let name: string | null;
  let rest: string;
  const at = text.lastIndexOf('@');
  if (at >= 0) {
    name = at === 0 ? null : text.slice(0, at);
    rest = text.slice(at + 1);
  } else {
    // Git names cannot contain ~ ^ *, so the first of them starts the relative part.
    const rel = text.search(/[~^*]/);
    name = rel < 0 ? text : text.slice(0, rel);
    rest = rel < 0 ? '' : text.slice(rel);
  }
  let hash: string | null = null;
  if (at >= 0) {
    const m = HASH.exec(rest);
    if (m) {
      hash = m[0].toLowerCase();
      rest = rest.slice(m[0].length);
    }
  }
  const relatives: RelativeSpec[] = [];
  while (rest.length > 0) {
    const m = RELATIVE.exec(rest);
    if (!m) throw badRef(text);
    const [whole, kind, value] = m as unknown as [string, '~' | '^' | '*', string];
    if (kind === '*') {
      const ms = /^[0-9]+$/.test(value) ? Number(value) : Date.parse(value);
      if (Number.isNaN(ms)) throw badRef(text);
      relatives.push({ kind, at: ms, text: value });
    } else {
      const n = Number(value);
      if (kind === '^' && n !== 1 && n !== 2) throw badRef(text);
      relatives.push({ kind, n });
    }
    rest = rest.slice(whole.length);
  }
  if (name === '') throw badRef(text);
  if (name === '-') name = defaultBranch;
  // `DETACHED@<hash>` is Nessie's spelling of a bare commit (its clients write it).
  if (name === DETACHED && hash !== null) name = null;
  if (name === null && hash === null) throw badRef(text);
  // A name no reference can have is a malformed request (400), not an unknown reference (404), as in Nessie.
  if (name !== null) assertValidReferenceName(name);
  return { name, hash, relatives };
}

function badRef(text: string): BadRequestError {
  return new BadRequestError(
    `"${text}" is not a reference: use name, name@hash, @hash or -, optionally followed by ~N, ^1, ^2 or *timestamp.`,
  );
}

/**
 * Resolves a parsed `{ref}` against the store to the commit it names. The name part goes to `store.resolve`
 * (`name`, `name@hash`, `name*time`, `@hash`); relative lookups after it go to the store's first-parent walks, which
 * read the line a page per round trip (`main~5000` is a few queries, not 5,000). A lookup that runs out of history (`main~10` on a branch of three commits, a
 * time before its first commit, `^2` of a commit that is not a merge) names the empty state before the first commit,
 * Nessie's "no ancestor", as Nessie does.
 */
export async function resolveRefPath(store: VersionStore, ref: RefPath): Promise<ResolvedRef> {
  const relatives = [...ref.relatives];
  let spec: string;
  if (ref.hash !== null) spec = `${ref.name ?? ''}@${ref.hash}`;
  else if (relatives[0]?.kind === '*') spec = `${ref.name}*${(relatives.shift() as { at: number }).at}`;
  else spec = ref.name!;
  let resolved = await store.resolve(spec);
  for (const rel of relatives) {
    const hash = await relativeOf(store, resolved.hash, rel);
    resolved = { ...resolved, hash, readOnly: true };
  }
  return resolved;
}

/** The commit one relative lookup names from `hash`, or the store's no-ancestor state where history runs out. */
async function relativeOf(store: VersionStore, hash: string, rel: RelativeSpec): Promise<string> {
  // Newest commit on the first-parent line at or before the time.
  if (rel.kind === '*') return (await store.firstParentAsOf(hash, rel.at)) ?? store.noAncestorHash;
  if (rel.kind === '~') return (await store.firstParentAncestor(hash, rel.n)) ?? store.noAncestorHash;
  return (await store.getCommit(hash)).parentHashes[rel.n - 1] ?? store.noAncestorHash;
}

/**
 * The commit a request body names: `hash` (8–64 hex digits, optionally followed by relative lookups, `1a2b3c4d~1`)
 * on the reference `name` (which must exist), or detached when there is no name. With auth on, the caller must be
 * able to read the reference at that starting hash (http/auth/requirement.ts pins the read to it).
 *
 * @example await resolveBodyCommit(store, 'main', '1a2b3c4d~1')
 */
export async function resolveBodyCommit(store: VersionStore, name: string | null, hash: string): Promise<string> {
  const ref = parseRefPath(`${name ?? ''}@${hash}`, store.defaultBranch);
  if (ref.hash === null) throw new BadRequestError(`"${hash}" must start with a commit id (8 to 64 hex digits).`);
  return (await resolveRefPath(store, ref)).hash;
}

/**
 * For writes (commit, merge, transplant, assign, delete): the named reference and the head the client expects.
 * Nessie requires the expected hash in the path (`main@<hash>`) and so do we: a write never lands on a head the
 * client has not seen.
 */
export async function writeTarget(
  store: VersionStore,
  ref: RefPath,
): Promise<{ name: string; expectedHash: string; type: ReferenceType | null }> {
  if (ref.name === null) throw new BadRequestError('A detached commit cannot be written to; name a branch.');
  // A relative lookup alone (`main~1`, `main*<time>`) is not a head anyone saw: Nessie wants a commit id to start from.
  if (ref.hash === null) {
    const what =
      ref.relatives.length > 0 ? 'Expected hash must contain a starting commit id' : 'Expected hash must be provided';
    throw new BadRequestError(`${what}: use ${ref.name}@<hash of the head you saw>.`);
  }
  const resolved = await resolveRefPath(store, ref);
  return { name: ref.name, expectedHash: resolved.hash, type: resolved.type };
}
