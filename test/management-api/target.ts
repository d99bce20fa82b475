/**
 * What a differential case sees: one server (ours or the real Nessie) behind `/api/v2`, plus small helpers that
 * speak its JSON. Cases never share state: each makes its own branches from the "no ancestor" hash.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { http } from '../support/server.ts';

export type ServerKind = 'rat' | 'nessie';

export interface Target {
  kind: ServerKind;
  /** `http://host:port/api/v2` */
  api: string;
  noAncestorHash: string;
}

export interface Case {
  name: string;
  run(t: Target): Promise<void>;
}

export interface Key {
  elements: string[];
}

export type Res = Awaited<ReturnType<typeof http>>;

/** `feature/x` → `feature%2Fx`: names go into one path segment. */
export const seg = (ref: string) => encodeURIComponent(ref);

export const get = (t: Target, path: string) => http('GET', `${t.api}${path}`);
export const post = (t: Target, path: string, body: unknown) => http('POST', `${t.api}${path}`, body);
export const put = (t: Target, path: string, body: unknown) => http('PUT', `${t.api}${path}`, body);
export const del = (t: Target, path: string) => http('DELETE', `${t.api}${path}`);

/** Asserts the status and, for errors, Nessie's `errorCode` (never the message text). */
export function expectStatus(res: Res, status: number, errorCode?: string): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  if (errorCode) assert.equal(res.body?.errorCode, errorCode, JSON.stringify(res.body));
}

export function ok(res: Res): any {
  expectStatus(res, 200);
  return res.body;
}

/** A unique name per case run, so cases can share one server. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function createRef(
  t: Target,
  name: string,
  type: 'BRANCH' | 'TAG' = 'BRANCH',
  from: { name: string; hash: string } = { name: 'main', hash: t.noAncestorHash },
): Promise<string> {
  const res = await post(t, `/trees?name=${seg(name)}&type=${type}`, { type: 'BRANCH', ...from });
  return ok(res).reference.hash;
}

/** A fresh branch at the beginning of history. */
export async function freshBranch(t: Target, prefix = 'b'): Promise<{ name: string; hash: string }> {
  const name = unique(prefix);
  return { name, hash: await createRef(t, name) };
}

export async function head(t: Target, name: string): Promise<string> {
  return ok(await get(t, `/trees/${seg(name)}`)).reference.hash;
}

export const namespace = (...elements: string[]) => ({ type: 'NAMESPACE', elements });

export const table = (location: string, snapshotId = 1, id?: string) => ({
  type: 'ICEBERG_TABLE',
  ...(id ? { id } : {}),
  metadataLocation: location,
  snapshotId,
  schemaId: 0,
  specId: 0,
  sortOrderId: 0,
});

export type Op =
  | { type: 'PUT'; key: Key; content: Record<string, unknown> }
  | { type: 'DELETE'; key: Key }
  | { type: 'UNCHANGED'; key: Key };

export const putOp = (elements: string[], content: Record<string, unknown>): Op => ({
  type: 'PUT',
  key: { elements },
  content,
});

export function commitRaw(t: Target, branch: string, expected: string, ops: Op[], message = 'test commit') {
  return post(t, `/trees/${seg(branch)}@${expected}/history/commit`, { commitMeta: { message }, operations: ops });
}

/** Commits and returns the new head and the ids of created contents by dotted key. */
export async function commit(
  t: Target,
  branch: string,
  expected: string,
  ops: Op[],
  message = 'test commit',
): Promise<{ hash: string; ids: Record<string, string> }> {
  const body = ok(await commitRaw(t, branch, expected, ops, message));
  assert.equal(body.targetBranch.name, branch);
  const ids: Record<string, string> = {};
  for (const a of body.addedContents ?? []) ids[a.key.elements.join('.')] = a.contentId;
  return { hash: body.targetBranch.hash, ids };
}

/** A branch with namespace `db` and tables `db.<name>` (Nessie needs the namespace first). */
export async function branchWithTables(t: Target, tables: string[], prefix = 'b') {
  const b = await freshBranch(t, prefix);
  const ops: Op[] = [
    putOp(['db'], namespace('db')),
    ...tables.map((n) => putOp(['db', n], table(`s3://w/${n}/1.json`))),
  ];
  const c = await commit(t, b.name, b.hash, ops, 'setup');
  return { name: b.name, hash: c.hash, ids: c.ids };
}

export function keysOf(items: Array<{ key?: Key; name?: Key }>): string[] {
  return items.map((i) => (i.key ?? i.name)!.elements.join('.'));
}
