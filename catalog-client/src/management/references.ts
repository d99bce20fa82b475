import { refPath } from './key-text.ts';
import type { Reference, ReferenceType } from './shapes.ts';
import { withQuery, type ManagementTransport } from './transport.ts';
import type { CommitMeta } from './commits.ts';

/** The server's configuration (`GET /config`). */
export interface ManagementConfig {
  defaultBranch: string;
  specVersion: string;
  noAncestorHash: string;
}

/**
 * `GET /config`: default branch, spec version, the no-ancestor (root) hash.
 *
 * @example (await getConfig(transport)).defaultBranch // 'main'
 */
export function getConfig(t: ManagementTransport): Promise<ManagementConfig> {
  return t.request('GET', '/config');
}

/** What `fetch=ALL` adds to a reference: its HEAD commit and how it stands against the default branch. */
export interface ReferenceMetadata {
  numCommitsAhead: number | null;
  numCommitsBehind: number | null;
  commitMetaOfHEAD: CommitMeta | null;
  commonAncestorHash: string | null;
  numTotalCommits: number | null;
}

/** How to list references: with their metadata (`fetchAll`), only those a CEL `filter` keeps (server side). */
export interface ReferenceListing {
  fetchAll?: boolean;
  filter?: string;
}

/**
 * Every branch and tag (follows paging to the end); with `fetchAll` each carries its `metadata`.
 *
 * @example (await listReferences(transport, { filter: "refType == 'TAG'" })).map((r) => r.name) // ['v1']
 */
export function listReferences(
  t: ManagementTransport,
  listing: ReferenceListing = {},
): Promise<Array<Reference & { metadata?: ReferenceMetadata }>> {
  const extra = { fetch: listing.fetchAll ? 'ALL' : undefined, filter: listing.filter };
  return t.collect((q) => t.request('GET', `/trees${withQuery(q, extra)}`), 'references');
}

/**
 * The reference `name` (404 when there is none).
 *
 * @example (await getReference(transport, 'main')).hash
 */
export async function getReference(t: ManagementTransport, name: string): Promise<Reference> {
  return (await t.request<{ reference: Reference }>('GET', `/trees/${refPath(name)}`)).reference;
}

/**
 * Creates `name` at the commit `from` points at (`from` = an existing reference, e.g. from getReference).
 *
 * @example await createReference(transport, 'feature/x', 'BRANCH', main)
 */
export async function createReference(
  t: ManagementTransport,
  name: string,
  type: ReferenceType,
  from: Reference,
): Promise<Reference> {
  const q = `?name=${encodeURIComponent(name)}&type=${type}`;
  return (await t.request<{ reference: Reference }>('POST', `/trees${q}`, from)).reference;
}

/**
 * Deletes `name` if it is still at `expectedHash` (409 otherwise).
 *
 * @example await deleteReference(transport, 'feature/x', head.hash)
 */
export async function deleteReference(
  t: ManagementTransport,
  name: string,
  expectedHash: string,
  type?: ReferenceType,
): Promise<Reference> {
  const q = type ? `?type=${type}` : '';
  return (await t.request<{ reference: Reference }>('DELETE', `/trees/${refPath(name, expectedHash)}${q}`)).reference;
}

/**
 * Moves `name` from `expectedHash` to the commit `to` points at (409 if `name` moved meanwhile).
 *
 * @example await assignReference(transport, 'dev', dev.hash, main)
 */
export async function assignReference(
  t: ManagementTransport,
  name: string,
  expectedHash: string,
  to: Reference,
  type?: ReferenceType,
): Promise<Reference> {
  const q = type ? `?type=${type}` : '';
  return (await t.request<{ reference: Reference }>('PUT', `/trees/${refPath(name, expectedHash)}${q}`, to)).reference;
}
