import type { CommitMeta } from '../../store/types.ts';

/**
 * Who and why, as given by the client in request headers (`X-Rat-Author`, `X-Rat-Message`, `X-Rat-Properties` with
 * a JSON object of strings); absent fields are derived by the service (e.g. "append to db.t").
 */
export interface CommitInfo {
  author?: string;
  message?: string;
  properties?: Record<string, string>;
}

/** The store commit meta for an operation: the client's message wins over the derived one. */
export function commitMeta(info: CommitInfo | undefined, derived: string): CommitMeta {
  return {
    message: info?.message || derived,
    author: info?.author || 'iceberg-rest',
    properties: info?.properties,
  };
}
