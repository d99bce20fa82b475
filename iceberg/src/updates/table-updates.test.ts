import assert from 'node:assert/strict';
import { applyTableCommit } from './apply-table-commit.ts';
import { parseTableUpdate, TABLE_UPDATE_ACTIONS } from './table-update.ts';
import { parseTableRequirement } from './requirements.ts';
import { tableAppliers } from './table-appliers.ts';
import { parseTableMetadata, tableMetadataToJson } from '../model/table-metadata.ts';
import {
  InvalidUpdateError,
  RequirementFailedError,
  UnknownUpdateActionError,
  InvalidMetadataError,
  InvalidSchemaError,
} from '../errors/index.ts';
import { parseJson, stringifyJson } from '../json.ts';
import { NOW, S1, S2, commit, newTable, setMain, snapshot, sortOn } from './test-tables.ts';

describe('table updates', () => {
  it('create builds a v2 table with schema 0, fresh field ids, spec 0 (field ids from 1000), unsorted order', () => {
    const md = newTable();
    assert.equal(md['format-version'], 2);
    assert.equal(md['table-uuid'], 'u-1');
    assert.equal(md['current-schema-id'], 0);
    // The request's ids 1, 2 and element 5 become 1, 2, 3.
    assert.equal(md['last-column-id'], 3);
    assert.equal((md.schemas[0].fields[1].type as { 'element-id': number })['element-id'], 3);
    assert.equal(md['default-spec-id'], 0);
    assert.equal(md['partition-specs'][0].fields[0]['field-id'], 1000);
    assert.equal(md['last-partition-id'], 1000);
    assert.equal(md['default-sort-order-id'], 0);
    assert.equal(md['current-snapshot-id'], null);
    assert.equal(md.location, 'file:///wh/db/t');
  });

  it('format-version property picks the version and is not stored', () => {
    const md = newTable({ properties: { 'format-version': '1', owner: 'me' } });
    assert.equal(md['format-version'], 1);
    assert.deepEqual(md.properties, { owner: 'me' });
    const json = tableMetadataToJson(md);
    assert.ok(json['schema'] && json['partition-spec'], 'v1 writes legacy fields');
  });

  it('add-schema without last-column-id computes it; -1 sets the schema added in this commit', () => {
    const md = commit(
      newTable(),
      [],
      [
        {
          action: 'add-schema',
          schema: {
            type: 'struct',
            fields: [
              { id: 1, name: 'id', type: 'long', required: true },
              { id: 9, name: 'x', type: 'int', required: false },
            ],
          },
        },
        { action: 'set-current-schema', 'schema-id': -1 },
      ],
    );
    assert.equal(md['current-schema-id'], 1);
    assert.equal(md['last-column-id'], 9);
  });

  it('re-adding an identical schema reuses its id', () => {
    const base = newTable();
    const md = commit(
      base,
      [],
      [
        { action: 'add-schema', schema: { ...base.schemas[0], 'schema-id': 42 } },
        { action: 'set-current-schema', 'schema-id': -1 },
      ],
    );
    assert.equal(md.schemas.length, 1);
    assert.equal(md['current-schema-id'], 0);
  });

  it('-1 without an added schema/spec/order is an InvalidUpdateError', () => {
    for (const u of [
      { action: 'set-current-schema', 'schema-id': -1 },
      { action: 'set-default-spec', 'spec-id': -1 },
      { action: 'set-default-sort-order', 'sort-order-id': -1 },
    ]) {
      assert.throws(() => commit(newTable(), [], [u]), InvalidUpdateError);
    }
  });

  it('add-spec and set-default-spec -1 assign the next spec id and partition field ids', () => {
    const md = commit(
      newTable(),
      [],
      [
        { action: 'add-spec', spec: { fields: [{ 'source-id': 1, transform: 'identity', name: 'id' }] } },
        { action: 'set-default-spec', 'spec-id': -1 },
      ],
    );
    assert.equal(md['default-spec-id'], 1);
    assert.equal(md['partition-specs'][1].fields[0]['field-id'], 1001);
    assert.equal(md['last-partition-id'], 1001);
  });

  it('add-sort-order and set-default-sort-order -1 give sorted orders an id >= 1', () => {
    const md = commit(
      newTable(),
      [],
      [
        {
          action: 'add-sort-order',
          'sort-order': {
            'order-id': 0,
            fields: [{ 'source-id': 1, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' }],
          },
        },
        { action: 'set-default-sort-order', 'sort-order-id': -1 },
      ],
    );
    assert.equal(md['default-sort-order-id'], 1);
  });

  it('add-snapshot + set main ref moves current snapshot, sequence number and snapshot log', () => {
    const md = commit(newTable(), [], [snapshot(S1, 1), setMain(S1)]);
    assert.equal(md['current-snapshot-id'], S1);
    assert.equal(md['last-sequence-number'], 1);
    assert.deepEqual(md.refs['main'], { type: 'branch', 'snapshot-id': S1 });
    assert.deepEqual(md['snapshot-log'], [{ 'snapshot-id': S1, 'timestamp-ms': NOW + 1 }]);
    assert.equal(md['last-updated-ms'], NOW + 1);
    const back = parseTableMetadata(parseJson(stringifyJson(tableMetadataToJson(md))));
    assert.equal(back['current-snapshot-id'], S1, 'ids survive a write/read cycle exactly');
  });

  it("last-updated-ms is the commit's clock, not the snapshot's timestamp, and never goes back", () => {
    const md = commit(newTable(), [], [snapshot(S1, 1), setMain(S1)]);
    const lagging = { ...snapshot(S2, 2, S1) };
    lagging.snapshot = { ...lagging.snapshot, 'timestamp-ms': NOW - 5 * 60_000 };
    const later = applyTableCommit(md, [], [lagging, setMain(S2)].map(parseTableUpdate), { now: NOW + 10_000 });
    assert.equal(later['last-updated-ms'], NOW + 10_000);
    assert.equal(later['snapshot-log'].at(-1)?.['timestamp-ms'], NOW - 5 * 60_000, 'the log keeps the snapshot time');
    // A clock that stepped back, or a metadata-log entry ahead of it, does not date the table earlier.
    const logged = { ...later, 'metadata-log': [{ 'metadata-file': 'file:///m1.json', 'timestamp-ms': NOW + 20_000 }] };
    const props = [parseTableUpdate({ action: 'set-properties', updates: { a: '1' } })];
    assert.equal(applyTableCommit(logged, [], props, { now: NOW })['last-updated-ms'], NOW + 20_000);
    // A writer whose clock runs ahead: the table is never dated before its newest snapshot-log entry.
    const ahead = { ...snapshot(S2, 2, S1) };
    ahead.snapshot = { ...ahead.snapshot, 'timestamp-ms': NOW + 60 * 60_000 };
    const md2 = applyTableCommit(md, [], [ahead, setMain(S2)].map(parseTableUpdate), { now: NOW + 10_000 });
    assert.equal(md2['last-updated-ms'], NOW + 60 * 60_000);
  });

  it('a snapshot whose sequence number is not above last-sequence-number is a RequirementFailedError', () => {
    const md = commit(newTable(), [], [snapshot(S1, 1), setMain(S1)]);
    assert.throws(() => commit(md, [], [snapshot(S2, 1, S1)]), RequirementFailedError);
    assert.equal(commit(md, [], [snapshot(S2, 2, S1)])['last-sequence-number'], 2);
  });

  it('a snapshot without a parent (a replace transaction) may repeat the last sequence number', () => {
    const md = commit(newTable(), [], [snapshot(S1, 1), setMain(S1)]);
    const replaced = commit(
      md,
      [],
      [{ action: 'remove-snapshot-ref', 'ref-name': 'main' }, snapshot(S2, 1), setMain(S2)],
    );
    assert.equal(replaced['current-snapshot-id'], S2);
    assert.equal(replaced['last-sequence-number'], 1);
  });

  it('set-snapshot-ref to an unknown snapshot is an InvalidUpdateError; tags do not move main', () => {
    const md = commit(newTable(), [], [snapshot(S1, 1), setMain(S1)]);
    assert.throws(() => commit(md, [], [setMain(S2)]), InvalidUpdateError);
    const tagged = commit(md, [], [{ action: 'set-snapshot-ref', 'ref-name': 'v1', type: 'tag', 'snapshot-id': S1 }]);
    assert.equal(tagged.refs['v1'].type, 'tag');
    assert.equal(tagged['snapshot-log'].length, 1);
  });

  it('set-snapshot-ref refuses invalid retention settings and changes nothing', () => {
    const md = commit(newTable(), [], [snapshot(S1, 1), setMain(S1)]);
    const ref = (type: string, extra: object) => ({
      action: 'set-snapshot-ref',
      'ref-name': 'r',
      type,
      'snapshot-id': S1,
      ...extra,
    });
    for (const u of [
      ref('tag', { 'min-snapshots-to-keep': 1 }),
      ref('tag', { 'max-snapshot-age-ms': 1 }),
      ref('branch', { 'min-snapshots-to-keep': 0 }),
      ref('branch', { 'max-snapshot-age-ms': 0 }),
      ref('branch', { 'max-ref-age-ms': -5 }),
    ])
      assert.throws(
        () => commit(md, [], [u]),
        InvalidUpdateError,
        JSON.stringify(u, (_k, v) => String(v)),
      );
    const kept = commit(md, [], [ref('branch', { 'min-snapshots-to-keep': 3, 'max-ref-age-ms': 1000 })]);
    assert.deepEqual(kept.refs['r'], {
      type: 'branch',
      'snapshot-id': S1,
      'min-snapshots-to-keep': 3,
      'max-ref-age-ms': 1000,
    });
  });

  it('remove-snapshots drops refs and statistics that point at them; remove-snapshot-ref main clears current', () => {
    let md = commit(
      newTable(),
      [],
      [
        snapshot(S1, 1),
        setMain(S1),
        snapshot(S2, 2, S1),
        { action: 'set-snapshot-ref', 'ref-name': 'b', type: 'branch', 'snapshot-id': S2 },
      ],
    );
    md = commit(
      md,
      [],
      [
        {
          action: 'set-statistics',
          statistics: {
            'snapshot-id': S2,
            'statistics-path': 'p',
            'file-size-in-bytes': 1,
            'file-footer-size-in-bytes': 1,
            'blob-metadata': [],
          },
        },
      ],
    );
    assert.equal(md.statistics.length, 1);
    const removed = commit(md, [], [{ action: 'remove-snapshots', 'snapshot-ids': [S2] }]);
    assert.equal(removed.snapshots.length, 1);
    assert.equal(removed.refs['b'], undefined);
    assert.equal(removed.statistics.length, 0);
    const noMain = commit(md, [], [{ action: 'remove-snapshot-ref', 'ref-name': 'main' }]);
    assert.equal(noMain['current-snapshot-id'], null);
  });

  it('properties, location, partition statistics, encryption keys, schema/spec removal', () => {
    let md = commit(
      newTable(),
      [],
      [
        { action: 'set-properties', updates: { a: '1', b: '2' } },
        { action: 'remove-properties', removals: ['a', 'missing'] },
        { action: 'set-location', location: 'file:///elsewhere/' },
        {
          action: 'set-partition-statistics',
          'partition-statistics': { 'snapshot-id': S1, 'statistics-path': 'p', 'file-size-in-bytes': 3 },
        },
        { action: 'add-encryption-key', 'encryption-key': { 'key-id': 'k', 'encrypted-key-metadata': 'AA==' } },
      ],
    );
    assert.deepEqual(md.properties, { b: '2' });
    assert.equal(md.location, 'file:///elsewhere');
    assert.equal(md['partition-statistics'].length, 1);
    assert.equal(md['encryption-keys']?.length, 1);
    md = commit(
      md,
      [],
      [
        { action: 'remove-partition-statistics', 'snapshot-id': S1 },
        { action: 'remove-encryption-key', 'key-id': 'k' },
        { action: 'remove-statistics', 'snapshot-id': S1 },
      ],
    );
    assert.equal(md['partition-statistics'].length, 0);
    assert.equal(md['encryption-keys']?.length, 0);
    assert.throws(() => commit(md, [], [{ action: 'remove-schemas', 'schema-ids': [0] }]), InvalidUpdateError);
    assert.throws(() => commit(md, [], [{ action: 'remove-partition-specs', 'spec-ids': [0] }]), InvalidUpdateError);
    const two = commit(
      md,
      [],
      [
        { action: 'add-spec', spec: { fields: [] } },
        { action: 'set-default-spec', 'spec-id': -1 },
      ],
    );
    assert.equal(commit(two, [], [{ action: 'remove-partition-specs', 'spec-ids': [0] }])['partition-specs'].length, 1);
  });

  it('upgrade-format-version goes up, never down; assign-uuid cannot change an existing table', () => {
    const md = commit(newTable(), [], [{ action: 'upgrade-format-version', 'format-version': 3 }]);
    assert.equal(md['format-version'], 3);
    assert.equal(md['next-row-id'], 0);
    assert.throws(
      () => commit(md, [], [{ action: 'upgrade-format-version', 'format-version': 2 }]),
      InvalidUpdateError,
    );
    assert.throws(() => commit(md, [], [{ action: 'assign-uuid', uuid: 'other' }]), InvalidUpdateError);
  });

  it('an unknown action is a named UnknownUpdateActionError, bad fields a zod error', () => {
    assert.throws(() => parseTableUpdate({ action: 'make-coffee' }), UnknownUpdateActionError);
    assert.throws(
      () => parseTableUpdate({ action: 'set-current-schema' }),
      (e: Error) => e.name === 'ZodError',
    );
    assert.throws(() => parseTableRequirement({ type: 'assert-nothing' }), UnknownUpdateActionError);
  });

  it('every action has an applier', () => {
    assert.deepEqual(Object.keys(tableAppliers).sort(), [...TABLE_UPDATE_ACTIONS].sort());
  });

  it('a create commit without a schema is refused', () => {
    assert.throws(
      () => commit(undefined, [{ type: 'assert-create' }], [{ action: 'set-location', location: 'file:///x' }]),
      InvalidMetadataError,
    );
  });

  it('invalid schemas, specs and sort orders are refused with InvalidSchemaError, at create and in commits', () => {
    assert.throws(
      () =>
        newTable({
          schema: { type: 'struct', fields: [{ id: 1, name: 'id', type: 'decimal(50, 2)', required: true }] },
          'partition-spec': null,
        }),
      InvalidSchemaError,
    );
    assert.throws(() => newTable({ 'write-order': { fields: [sortOn(42)] } }), InvalidSchemaError);
    const md = newTable();
    const badSchema = { type: 'struct', fields: [{ id: 1, name: 'id', type: 'long', required: true }] };
    assert.throws(
      () => commit(md, [], [{ action: 'add-schema', schema: { ...badSchema, 'identifier-field-ids': [1, 2] } }]),
      InvalidSchemaError,
    );
    const wider = { ...badSchema, fields: [...badSchema.fields, { id: 9, name: 'x', type: 'int', required: false }] };
    assert.throws(
      () => commit(md, [], [{ action: 'add-schema', schema: wider, 'last-column-id': 8 }]),
      InvalidSchemaError,
    );
    // Below the table's last-column-id is not an error: the table keeps its own.
    assert.ok(md['last-column-id'] > 1);
    const kept = commit(md, [], [{ action: 'add-schema', schema: badSchema, 'last-column-id': 1 }]);
    assert.equal(kept['last-column-id'], md['last-column-id']);
    assert.throws(
      () =>
        commit(
          md,
          [],
          [{ action: 'add-spec', spec: { fields: [{ 'source-id': 2, transform: 'identity', name: 't' }] } }],
        ),
      InvalidSchemaError,
    );
    assert.throws(
      () => commit(md, [], [{ action: 'add-sort-order', 'sort-order': { fields: [sortOn(5)] } }]),
      InvalidSchemaError,
    );
  });

  it('does not modify the base metadata', () => {
    const base = newTable();
    const copy = structuredClone(base);
    commit(base, [], [snapshot(S1, 1), setMain(S1), { action: 'set-properties', updates: { a: '1' } }]);
    assert.deepEqual(base, copy);
  });
});
