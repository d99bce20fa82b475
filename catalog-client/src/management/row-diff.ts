import { formatKeyText } from './key-text.ts';
import type { ContentKey } from './shapes.ts';
import { query, type ManagementTransport } from './transport.ts';

/**
 * Ratatouille's row diff (`/api/v2/rat/row-diff`): the rows of one table that differ between two references, read
 * by the server from the data files that differ.
 */

/** A row as its values' text, one per column, null for a null value. */
export type RowText = Array<string | null>;

/** One side of a row diff: the reference as asked, the commit it resolved to, the table's snapshot there. */
export interface RowDiffSide {
  ref: string;
  hash: string;
  /** Whether the key is a table there (a side without it has no rows). */
  table: boolean;
  snapshotId: string | null;
}

export interface RowDiff {
  from: RowDiffSide;
  to: RowDiffSide;
  columns: Array<{ id: number; name: string; type: string; required: boolean }>;
  /** Columns pairing removed and added rows into changes; empty when rows are compared whole. */
  keyColumns: string[];
  /** Each list at most the limit asked for (ordered by key, then the whole row); `counts` are whole. */
  added: RowText[];
  removed: RowText[];
  changed: Array<{ before: RowText; after: RowText }>;
  counts: { added: number; removed: number; changed: number };
  truncated: boolean;
  filesRead: number;
  filesSkipped: number;
  rowsRead: number;
}

/**
 * The rows `to` added, removed and changed in table `key` since `from` (names, `name@hash` or `@hash`). Key columns
 * default to the table's identifier fields; `keyColumns: []` compares rows whole.
 *
 * @example (await rowDiff(t, 'main', 'feature', { elements: ['shop', 'orders'] })).counts // { added: 2, removed: 1, changed: 1 }
 */
export function rowDiff(
  t: ManagementTransport,
  from: string,
  to: string,
  key: ContentKey,
  opts: { limit?: number; keyColumns?: string[] } = {},
): Promise<RowDiff> {
  const params = {
    from,
    to,
    key: formatKeyText(key),
    limit: opts.limit === undefined ? undefined : String(opts.limit),
    'key-columns': opts.keyColumns?.join(','),
  };
  return t.request('GET', `/rat/row-diff${query(params)}`);
}
