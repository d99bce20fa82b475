import type { plan } from '@bufbuild/cel';
import type {
  Commit,
  CommitWithOperations,
  ContentKey,
  DiffEntry,
  EntrySummary,
  Reference,
} from '../../store/types.ts';
import { BadRequestError } from '../../errors/index.ts';
import { formatContentKey, legacyPathString } from './content-key.ts';
import type { ReferenceMetadata } from './reference-metadata.ts';

/**
 * The CEL `filter`s of `/api/v2`, with the variables Nessie gives each listing, so that filters written for Nessie (by
 * hand, by its Java client's namespace helpers, by its CLI) select the same items here:
 * - entries (`/trees/{ref}/entries`): `entry` — the key's forms below and `contentType`;
 * - diffs (`/trees/{from}/diff/{to}`): `key` — the key's forms below;
 * - the log (`/trees/{ref}/history`): `commit` (its meta: `author`, `committer`, `message`, `commitTime` as an ISO
 *   string for `timestamp()`, `properties`, `hash`, …) and `operations` (each with `type`, the key's forms and
 *   `content.type` / `content.id`);
 * - references (`/trees`): `ref` (`name`, `hash`, `type`), `refType`, `refMeta` and `commit` (its HEAD's meta) — the
 *   last two are empty unless the listing fetches them (`fetch=ALL`), as in Nessie.
 * A key's forms: `key` (elements joined by `.`), `encodedKey` and `namespace` (Nessie's legacy path form, a `.` inside
 * an element written as U+001D), `keyElements`, `name`, `namespaceElements`. An expression that does not parse, names a
 * variable the listing does not have, or does not give true or false for an item, is a 400 (Nessie answers the last
 * two with a 500).
 */

/** A listing's variables by name, as the CEL planner takes them. */
type Variables = NonNullable<Parameters<ReturnType<typeof plan>>[0]>;

/**
 * Compiles `expression` for a listing with `sample` as its variables' empty shape (see `unknownVariable`). CEL takes
 * ~0.2 s to import, so the first filtered listing loads it, not the server's start.
 */
async function compile(
  expression: string,
  sample: Variables,
): Promise<(vars: Variables, item: () => string) => boolean> {
  const { celEnv, isCelError, parse, plan } = await import('@bufbuild/cel');
  let program: ReturnType<typeof plan>;
  try {
    program = plan(celEnv(), parse(expression));
  } catch (err) {
    throw new BadRequestError(`Invalid CEL filter "${expression}": ${(err as Error).message}`, { filter: expression });
  }
  const first = program(sample);
  if (isCelError(first)) unknownVariable(expression, first.message, Object.keys(sample));
  return (vars, item) => {
    const result = program(vars);
    if (isCelError(result) || typeof result !== 'boolean')
      throw new BadRequestError(
        `CEL filter "${expression}" did not give true or false for ${item()}: ${isCelError(result) ? result.message : typeof result}.`,
        { filter: expression },
      );
    return result;
  };
}

/**
 * A variable this listing does not have is refused before anything is listed, as Nessie's type check does: otherwise
 * an empty listing would accept it and a filled one refuse it. Found by evaluating over the variables' empty shapes,
 * where nothing but a name that resolves to no variable gives this error.
 */
function unknownVariable(expression: string, error: string, names: string[]): void {
  if (/unresolved attribute/i.test(error))
    throw new BadRequestError(
      `CEL filter "${expression}" names a variable this listing does not have; it has ${names.join(', ')}.`,
      { filter: expression },
    );
}

/** Nessie's forms of a key (its `KeyedEntityForCel`). */
function keyForms(key: ContentKey) {
  const elements = key.elements;
  const namespaceElements = elements.slice(0, -1);
  return {
    key: elements.join('.'),
    encodedKey: legacyPathString(key),
    keyElements: [...elements],
    name: elements[elements.length - 1] ?? '',
    namespace: legacyPathString({ elements: namespaceElements }),
    namespaceElements,
  };
}

const EMPTY_KEY = keyForms({ elements: [] });

/** A commit's meta as Nessie's `commit` variable has it: its JSON fields and the single-valued getters. */
function commitVariables(c: Commit) {
  return {
    hash: c.hash,
    committer: c.committer,
    author: c.author,
    authors: [c.author],
    signedOffBy: null,
    allSignedOffBy: [],
    message: c.message,
    commitTime: c.commitTime,
    authorTime: c.authorTime,
    properties: { ...c.properties },
    allProperties: Object.fromEntries(Object.entries(c.properties).map(([k, v]) => [k, [v]])),
    parentCommitHashes: [...c.parentHashes],
  };
}

/** Nessie's `CommitMeta.fromMessage("")`: what `commit` is for a reference listed without its HEAD's meta. */
const EMPTY_COMMIT = {
  hash: null,
  committer: null,
  author: null,
  authors: [],
  signedOffBy: null,
  allSignedOffBy: [],
  message: '',
  commitTime: null,
  authorTime: null,
  properties: {},
  allProperties: {},
  parentCommitHashes: [],
};

/**
 * `GET /trees/{ref}/entries`' filter.
 *
 * @example const keep = await entryFilter("entry.contentType == 'ICEBERG_TABLE'"); items.filter(keep)
 */
export async function entryFilter(expression: string): Promise<(entry: EntrySummary) => boolean> {
  const run = await compile(expression, { entry: { ...EMPTY_KEY, contentType: 'NAMESPACE' } });
  return (e) => run({ entry: { ...keyForms(e.key), contentType: e.type } }, () => formatContentKey(e.key));
}

/**
 * `GET /trees/{from}/diff/{to}`' filter.
 *
 * @example const keep = await diffFilter("key.namespace == 'sales'"); diffs.filter(keep)
 */
export async function diffFilter(expression: string): Promise<(d: DiffEntry) => boolean> {
  const run = await compile(expression, { key: EMPTY_KEY });
  return (d) => run({ key: keyForms(d.key) }, () => formatContentKey(d.key));
}

/**
 * `GET /trees/{ref}/history`' filter. `withOperations` tells whether the filter reads `operations` (then the log
 * reads every commit's operations for it, with or without `fetch=ALL`).
 *
 * @example const f = await logFilter("commit.author == 'alice'"); commits.filter(f.keep)
 */
export async function logFilter(expression: string): Promise<{
  keep: (c: Commit | CommitWithOperations) => boolean;
  withOperations: boolean;
}> {
  const run = await compile(expression, { commit: EMPTY_COMMIT, operations: [] });
  return {
    withOperations: /\boperations\b/.test(expression),
    keep: (c) =>
      run(
        {
          commit: commitVariables(c),
          operations:
            'operations' in c
              ? c.operations.map((op) => ({
                  type: op.type,
                  ...keyForms(op.key),
                  content: op.type === 'PUT' ? { type: op.content.type, id: op.content.id } : null,
                }))
              : [],
        },
        () => `commit ${c.hash}`,
      ),
  };
}

/**
 * `GET /trees`' filter, over a reference and, when the listing fetched it, its metadata (`refMeta`, and `commit` for
 * its HEAD's meta); without it both are empty.
 *
 * @example const keep = await referenceFilter("refType == 'TAG'"); keep(ref, undefined)
 */
export async function referenceFilter(
  expression: string,
): Promise<(ref: Reference, meta: ReferenceMetadata | undefined) => boolean> {
  const run = await compile(expression, {
    ref: { type: 'BRANCH', name: '', hash: '' },
    refType: 'BRANCH',
    refMeta: { commitMetaOfHEAD: EMPTY_COMMIT },
    commit: EMPTY_COMMIT,
  });
  return (ref, meta) => {
    const head = meta?.commitMetaOfHEAD ? commitVariables(meta.commitMetaOfHEAD) : EMPTY_COMMIT;
    const refMeta = { ...(meta ?? {}), commitMetaOfHEAD: head };
    return run(
      {
        ref: { type: ref.type, name: ref.name, hash: ref.hash, metadata: refMeta },
        refType: ref.type,
        refMeta,
        commit: head,
      },
      () => `${ref.type.toLowerCase()} ${ref.name}`,
    );
  };
}

/**
 * True when a reference filter can only keep branches: it is `refType == 'BRANCH'` or that conjunct `&&` more, without
 * `||` or a conditional (what `rat branch` and dashboards send). A listing may then stop where the tags begin instead
 * of evaluating the filter on every tag: `false && …` is false in CEL whatever follows.
 *
 * @example keepsOnlyBranches("refType == 'BRANCH' && refMeta.numCommitsAhead > 0") // true
 */
export function keepsOnlyBranches(expression: string): boolean {
  // `A && x || y` is `(A && x) || y`, and a conditional may pick another branch: with either anywhere (even inside a
  // string, to keep this simple), the whole filter runs on every reference.
  if (/\|\||\?/.test(expression)) return false;
  return /^\s*refType\s*==\s*(['"])BRANCH\1\s*(?:&&|$)/.test(expression);
}
