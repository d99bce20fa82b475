/** Fixtures shared by the table update and requirement tests: a created table, snapshots, a frozen-base commit. */
import { applyTableCommit } from './apply-table-commit.ts';
import { createTableUpdates } from './create-updates.ts';
import { parseTableUpdate } from './table-update.ts';
import { parseTableRequirement } from './requirements.ts';
import type { TableMetadata } from '../model/table-metadata.ts';
import { createTableRequest } from '../rest/requests.ts';
import { deepFreeze } from '../model/frozen.ts';

export const NOW = 1_700_000_000_000;
export const S1 = 3051729675574597004n;
export const S2 = 4051729675574597005n;

export function newTable(extra: Record<string, unknown> = {}): TableMetadata {
  const req = createTableRequest.parse({
    name: 't',
    location: null,
    schema: {
      type: 'struct',
      'schema-id': 7,
      fields: [
        { id: 1, name: 'id', type: 'long', required: true },
        {
          id: 2,
          name: 'tags',
          type: { type: 'list', 'element-id': 5, element: 'string', 'element-required': false },
          required: false,
        },
      ],
    },
    'partition-spec': { fields: [{ 'source-id': 1, transform: 'bucket[4]', name: 'id_bucket' }] },
    'stage-create': true,
    ...extra,
  });
  return applyTableCommit(undefined, [], createTableUpdates(req, { uuid: 'u-1', location: 'file:///wh/db/t' }), {
    now: NOW,
  });
}

export const sortOn = (sourceId: number) => ({
  'source-id': sourceId,
  transform: 'identity',
  direction: 'asc',
  'null-order': 'nulls-first',
});

/**
 * Applies to deeply frozen metadata, as the catalog does to what it caches: an applier that changed anything of the
 * base (rather than replacing it in the builder's copy) would throw here.
 */
export function commit(md: TableMetadata | undefined, reqs: unknown[], updates: unknown[]): TableMetadata {
  const base = md && deepFreeze(md);
  return applyTableCommit(base, reqs.map(parseTableRequirement), updates.map(parseTableUpdate), { now: NOW + 1 });
}

export const snapshot = (id: bigint, seq: number, parent?: bigint) => ({
  action: 'add-snapshot',
  snapshot: {
    'snapshot-id': id,
    'parent-snapshot-id': parent ?? null,
    'sequence-number': seq,
    'timestamp-ms': NOW + seq,
    'manifest-list': `file:///wh/db/t/metadata/snap-${id}.avro`,
    summary: { operation: 'append' },
  },
});
export const setMain = (id: bigint) => ({
  action: 'set-snapshot-ref',
  'ref-name': 'main',
  type: 'branch',
  'snapshot-id': id,
});
