import { emptyTableMetadata, finishNewTable, type TableMetadata } from '../model/table-metadata.ts';
import { tableBuilder } from './table-builder.ts';
import { applyTableUpdate } from './table-appliers.ts';
import { checkTableRequirements, type TableRequirement } from './requirements.ts';
import type { TableUpdate } from './table-update.ts';
import { commitTimestamp } from './commit-time.ts';

export interface ApplyTableCommitOptions {
  /** The catalog's clock in ms since the epoch; `last-updated-ms` comes from it (see {@link commitTimestamp}). */
  now: number;
  /** Location for a table created by this commit when its updates set none. */
  defaultLocation?: string;
}

/**
 * Checks `requirements` against `base` (the table as it is now, `undefined` if it does not exist) and applies
 * `updates` in order, returning the new metadata. `base` is not modified. A missing `base` builds a new table (the
 * create-transaction case, guarded by `assert-create`).
 *
 * @example applyTableCommit(md, [{ type: 'assert-current-schema-id', 'current-schema-id': 0 }], [{ action: 'set-properties', updates: { a: '1' } }], { now: Date.now() })
 */
export function applyTableCommit(
  base: TableMetadata | undefined,
  requirements: readonly TableRequirement[],
  updates: readonly TableUpdate[],
  opts: ApplyTableCommitOptions,
): TableMetadata {
  checkTableRequirements(base, requirements);
  const now = base ? commitTimestamp(base, opts.now) : opts.now;
  const b = tableBuilder(base ?? emptyTableMetadata(now), { now, creating: !base });
  for (const u of updates) applyTableUpdate(b, u);
  let md = b.md;
  if (!base) {
    if (!md.location && opts.defaultLocation) md.location = opts.defaultLocation;
    md = finishNewTable(md);
  }
  md['last-updated-ms'] = commitTimestamp(md, now);
  return md;
}
