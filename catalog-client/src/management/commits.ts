import { refPath } from './key-text.ts';
import type { Content, ContentKey, Paged, PageOptions, Reference } from './shapes.ts';
import { paging, query, type ManagementTransport } from './transport.ts';

export interface CommitMeta {
  hash: string;
  committer: string;
  authors: string[];
  message: string;
  commitTime: string;
  authorTime: string;
  allProperties?: Record<string, string[]>;
  parentCommitHashes: string[];
}

export interface LogEntry {
  commitMeta: CommitMeta;
  parentCommitHash: string | null;
  operations: Array<{ type: 'PUT' | 'DELETE'; key: ContentKey; content?: Content }> | null;
}

export type Operation =
  | { type: 'PUT'; key: ContentKey; content: Record<string, unknown> }
  | { type: 'DELETE'; key: ContentKey }
  | { type: 'UNCHANGED'; key: ContentKey };

export interface CommitMetaInput {
  message: string;
  author?: string;
  authorTime?: string;
  properties?: Record<string, string>;
}

export interface CommitResponse {
  targetBranch: Reference;
  addedContents: Array<{ key: ContentKey; contentId: string }> | null;
}

/**
 * One page of history, newest first, only the commits a CEL `filter` keeps when given. `ref` is a `{ref}` path element
 * (see refPath).
 *
 * @example (await log(transport, 'main', { maxRecords: 10 })).logEntries
 */
export function log(
  t: ManagementTransport,
  ref: string,
  opts: PageOptions & { fetchAll?: boolean; filter?: string } = {},
): Promise<Paged & { logEntries: LogEntry[] }> {
  return t.request(
    'GET',
    `/trees/${ref}/history${query({ ...paging(opts), fetch: opts.fetchAll ? 'ALL' : undefined, filter: opts.filter })}`,
  );
}

/**
 * One atomic commit on `branch`, based on `expectedHash`.
 *
 * @example await commit(transport, 'main', head.hash, { message: 'drop t' }, [{ type: 'DELETE', key }])
 */
export function commit(
  t: ManagementTransport,
  branch: string,
  expectedHash: string,
  meta: CommitMetaInput,
  operations: Operation[],
): Promise<CommitResponse> {
  return t.request('POST', `/trees/${refPath(branch, expectedHash)}/history/commit`, {
    commitMeta: meta,
    operations,
  });
}
