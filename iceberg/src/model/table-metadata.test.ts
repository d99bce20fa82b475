import assert from 'node:assert/strict';
import { applyTableCommit } from '../updates/apply-table-commit.ts';
import { createTableUpdates } from '../updates/create-updates.ts';
import { parseTableUpdate } from '../updates/table-update.ts';
import { createTableRequest } from '../rest/requests.ts';
import { parseJson, stringifyJson } from '../json.ts';
import { parseTableMetadata, tableMetadataToJson, type TableMetadata } from './table-metadata.ts';
import { encodeTableMetadataJson } from './metadata-encoding.ts';
import { deepFreeze } from './frozen.ts';
import { recordCopy } from './history-lineage.ts';
import { InvalidMetadataError } from '../errors/index.ts';

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

describe('history shared between versions of a table', () => {
  const v2 = () => withHistory(created(2));
  const text = (md: TableMetadata) => stringifyJson(tableMetadataToJson(md));

  it('writes the same text as stringifyJson, frozen or not, and again from the frozen elements', () => {
    for (const md of [created(2), v2(), withHistory(created(3))]) {
      assert.equal(encodeTableMetadataJson(tableMetadataToJson(md)).toString(), text(md));
      const frozen = deepFreeze(md);
      assert.equal(encodeTableMetadataJson(tableMetadataToJson(frozen)).toString(), text(frozen));
      assert.equal(encodeTableMetadataJson(tableMetadataToJson(frozen)).toString(), text(frozen));
    }
  });

  it('encodes text beyond ASCII exactly, in the history and around it', () => {
    const md = v2();
    md.snapshots[0]!.summary['note'] = 'Zürich → 東京 🚀';
    md.properties['owner'] = 'Łukasz';
    const frozen = deepFreeze(md);
    assert.deepEqual(encodeTableMetadataJson(tableMetadataToJson(frozen)), Buffer.from(text(frozen), 'utf8'));
    assert.equal(encodeTableMetadataJson({}).toString(), '{}');
  });

  it('serializes an element that is not frozen anew each time, so a change to it is written', () => {
    const md = v2();
    const before = encodeTableMetadataJson(tableMetadataToJson(md)).toString();
    md.snapshots[0]!.summary['added-records'] = '999';
    const after = encodeTableMetadataJson(tableMetadataToJson(md)).toString();
    assert.notEqual(after, before);
    assert.equal(after, text(md));
  });

  it('keeps exact ids and falls back like stringifyJson when a string holds its internal marker', () => {
    const md = v2();
    md.snapshots[1]!.summary['note'] = '\u0000rat-int:12';
    const frozen = deepFreeze(md);
    const written = encodeTableMetadataJson(tableMetadataToJson(frozen)).toString();
    assert.equal(written, text(frozen));
    assert.ok(written.includes('3051729675574597004'));
    assert.deepEqual(parseTableMetadata(parseJson(written)), parseTableMetadata(parseJson(text(frozen))));
  });

  it('parsing the next version in memory keeps the frozen elements it already parsed and checks only new ones', () => {
    const cached = deepFreeze(parseTableMetadata(tableMetadataToJson(v2())));
    const next = applyTableCommit(
      cached,
      [],
      [
        {
          action: 'add-snapshot',
          snapshot: {
            'snapshot-id': 42n,
            'parent-snapshot-id': 9007199254740993n,
            'sequence-number': 4,
            'timestamp-ms': NOW + 20,
            'manifest-list': 'file:///wh/db/t/metadata/snap-42.avro',
            summary: { operation: 'append' },
          },
        },
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 42n },
      ].map(parseTableUpdate),
      { now: NOW + 20 },
    );
    const parsed = parseTableMetadata(tableMetadataToJson(next));
    cached.snapshots.forEach((s, i) => assert.equal(parsed.snapshots[i], s));
    assert.equal(parsed['snapshot-log'][0], cached['snapshot-log'][0]);
    // The same as parsing the whole text: nothing is lost or reordered by checking only the new elements.
    assert.deepEqual(parsed, parseTableMetadata(parseJson(text(next))));

    const broken = { ...tableMetadataToJson(next), snapshots: [...cached.snapshots, { 'snapshot-id': 43 }] };
    assert.throws(() => parseTableMetadata(broken), InvalidMetadataError);
  });

  it('writes each version of a table the catalog builds from the last one exactly as stringifyJson would', () => {
    // The catalog's loop: the cached version is frozen, a commit builds the next from it, which is parsed in memory
    // and cached frozen in turn; texts are built from the older version's text where the arrays extend it.
    let cached = deepFreeze(parseTableMetadata(tableMetadataToJson(v2())));
    const same = (md: TableMetadata) =>
      assert.equal(encodeTableMetadataJson(tableMetadataToJson(md)).toString(), text(md));
    for (let n = 0; n < 6; n++) {
      const id = 100n + BigInt(n);
      const updates =
        n === 3
          ? [{ action: 'remove-snapshots', 'snapshot-ids': [17n] }]
          : [
              {
                action: 'add-snapshot',
                snapshot: {
                  'snapshot-id': id,
                  'parent-snapshot-id': cached['current-snapshot-id'],
                  'sequence-number': cached['last-sequence-number'] + 1,
                  'timestamp-ms': NOW + 100 + n,
                  'manifest-list': `file:///wh/db/t/metadata/snap-${id}.avro`,
                  summary: { operation: 'append', n: String(n) },
                },
              },
              { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': id },
            ];
      const next = applyTableCommit(cached, [], updates.map(parseTableUpdate), { now: NOW + 100 + n });
      same(next);
      same(next);
      cached = deepFreeze(parseTableMetadata(tableMetadataToJson(next)));
      same(cached);
    }
    // A copy whose older part no longer holds the same elements is written whole.
    const snapshots = cached.snapshots.slice();
    recordCopy(snapshots, cached.snapshots);
    snapshots[0] = { ...snapshots[0]!, summary: { operation: 'replace' } };
    same({ ...cached, snapshots });
  });

  it('checks again an element it parsed that is not frozen (it may have changed since)', () => {
    const md = parseTableMetadata(tableMetadataToJson(v2()));
    (md.snapshots[0] as Record<string, unknown>)['timestamp-ms'] = 'yesterday';
    assert.throws(() => parseTableMetadata(tableMetadataToJson(md)), InvalidMetadataError);
  });
});
