import assert from 'node:assert/strict';
import { applyTableCommit } from '../updates/apply-table-commit.ts';
import { createTableUpdates } from '../updates/create-updates.ts';
import { parseTableUpdate } from '../updates/table-update.ts';
import { createTableRequest } from '../rest/requests.ts';
import { parseJson, stringifyJson } from '../json.ts';
import { parseTableMetadata, tableMetadataToJson, type TableMetadata } from './table-metadata.ts';

const NOW = 1_700_000_000_000;

function created(formatVersion: number): TableMetadata {
  const req = createTableRequest.parse({
    name: 't',
    location: null,
    schema: {
      type: 'struct',
      fields: [
        { id: 1, name: 'id', type: 'long', required: true },
        { id: 2, name: 'at', type: 'timestamptz', required: false },
      ],
      'identifier-field-ids': [1],
    },
    'partition-spec': { fields: [{ 'source-id': 2, transform: 'day', name: 'at_day' }] },
    'write-order': {
      'order-id': 1,
      fields: [{ 'source-id': 1, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' }],
    },
    properties: { 'format-version': String(formatVersion), 'write.parquet.compression-codec': 'zstd' },
    'stage-create': true,
  });
  return applyTableCommit(undefined, [], createTableUpdates(req, { uuid: 'u-1', location: 'file:///wh/db/t' }), {
    now: NOW,
  });
}

function withHistory(md: TableMetadata): TableMetadata {
  // Snapshot ids on both sides of 2^53 (bigint beyond it, number within), a branch, a tag and statistics.
  const ids = [3051729675574597004n, 17n, 9007199254740993n];
  let parent: bigint | null = null;
  let seq = 0;
  for (const id of ids) {
    seq++;
    const updates = [
      {
        action: 'add-snapshot',
        snapshot: {
          'snapshot-id': id,
          'parent-snapshot-id': parent,
          'sequence-number': seq,
          'timestamp-ms': NOW + seq,
          'manifest-list': `file:///wh/db/t/metadata/snap-${id}.avro`,
          summary: { operation: 'append', 'added-records': String(seq * 10) },
          'schema-id': 0,
          ...(md['format-version'] >= 3 ? { 'first-row-id': seq * 100, 'added-rows': 10 } : {}),
        },
      },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': id },
    ];
    md = applyTableCommit(md, [], updates.map(parseTableUpdate), { now: NOW + seq });
    parent = id;
  }
  const more = [
    {
      action: 'set-snapshot-ref',
      'ref-name': 'audit',
      type: 'tag',
      'snapshot-id': ids[0],
      'max-ref-age-ms': 86_400_000,
    },
    {
      action: 'set-statistics',
      statistics: {
        'snapshot-id': ids[2],
        'statistics-path': 'file:///wh/db/t/metadata/stats.puffin',
        'file-size-in-bytes': 413,
        'file-footer-size-in-bytes': 42,
        'blob-metadata': [
          { type: 'apache-datasketches-theta-v1', 'snapshot-id': ids[2], 'sequence-number': 3, fields: [1] },
        ],
      },
    },
    { action: 'set-properties', updates: { 'commit.retry.num-retries': '7' } },
  ];
  return applyTableCommit(md, [], more.map(parseTableUpdate), { now: NOW + 10 });
}

describe('table metadata in memory and as read back', () => {
  // The catalog seeds its parsed-metadata cache with the metadata it just wrote, normalized from memory, instead of
  // parsing the file's text again: both must give the same metadata.
  for (const [name, md] of [
    ['a new v2 table', created(2)],
    ['a v2 table with history, refs and statistics', withHistory(created(2))],
    ['a v3 table with row lineage', withHistory(created(3))],
    [
      'a v1 table read from legacy JSON',
      parseTableMetadata(
        parseJson(
          JSON.stringify({
            'format-version': 1,
            'table-uuid': 'u-2',
            location: 'file:///wh/db/v1',
            'last-updated-ms': NOW,
            'last-column-id': 1,
            schema: { type: 'struct', fields: [{ id: 1, name: 'id', type: 'long', required: true }] },
            'partition-spec': [{ name: 'id_b', transform: 'bucket[8]', 'source-id': 1, 'field-id': 1000 }],
            properties: {},
            'current-snapshot-id': -1,
          }),
        ),
      ),
    ],
  ] as const) {
    it(`normalizing ${name} from memory equals parsing its file text`, () => {
      const fromMemory = parseTableMetadata(tableMetadataToJson(md));
      const fromText = parseTableMetadata(parseJson(stringifyJson(tableMetadataToJson(md))));
      assert.deepEqual(fromMemory, fromText);
      // And a second round trip changes nothing: what the cache holds is a fixed point.
      assert.deepEqual(parseTableMetadata(tableMetadataToJson(fromMemory)), fromMemory);
    });
  }
});
