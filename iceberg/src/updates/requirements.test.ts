import assert from 'node:assert/strict';
import { applyTableCommit } from './apply-table-commit.ts';
import { createTableUpdates } from './create-updates.ts';
import type { TableUpdate } from './table-update.ts';
import { TABLE_REQUIREMENT_TYPES, type TableRequirement } from './requirements.ts';
import { createTableRequest } from '../rest/requests.ts';
import { RequirementFailedError } from '../errors/index.ts';
import { NOW, S1, S2, commit, newTable, setMain, snapshot } from './test-tables.ts';

describe('table requirements', () => {
  const md = commit(newTable(), [], [snapshot(S1, 1), setMain(S1)]);
  const holds: TableRequirement[] = [
    { type: 'assert-table-uuid', uuid: 'u-1' },
    { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': S1 },
    { type: 'assert-ref-snapshot-id', ref: 'nope', 'snapshot-id': null },
    { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 3 },
    { type: 'assert-current-schema-id', 'current-schema-id': 0 },
    { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 1000 },
    { type: 'assert-default-spec-id', 'default-spec-id': 0 },
    { type: 'assert-default-sort-order-id', 'default-sort-order-id': 0 },
  ];
  const fails: TableRequirement[] = [
    { type: 'assert-create' },
    { type: 'assert-table-uuid', uuid: 'u-2' },
    { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': S2 },
    { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null },
    { type: 'assert-ref-snapshot-id', ref: 'nope', 'snapshot-id': S1 },
    { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 4 },
    { type: 'assert-current-schema-id', 'current-schema-id': 1 },
    { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 999 },
    { type: 'assert-default-spec-id', 'default-spec-id': 1 },
    { type: 'assert-default-sort-order-id', 'default-sort-order-id': 1 },
  ];

  it('each requirement type holds on a matching table', () => {
    for (const r of holds) applyTableCommit(md, [r], [] as TableUpdate[], { now: NOW });
  });

  it('each requirement type fails with RequirementFailedError on a mismatch', () => {
    for (const r of fails)
      assert.throws(() => applyTableCommit(md, [r], [], { now: NOW }), RequirementFailedError, r.type);
    assert.deepEqual(new Set(fails.map((r) => r.type)), new Set(TABLE_REQUIREMENT_TYPES));
  });

  it('assert-create holds only for a missing table; other requirements fail on a missing table', () => {
    const created = commit(
      undefined,
      [{ type: 'assert-create' }],
      createTableUpdates(createTableRequest.parse({ name: 't', schema: newTable().schemas[0] }), {
        uuid: 'x',
        location: 'file:///t',
      }),
    );
    assert.equal(created['table-uuid'], 'x');
    assert.throws(
      () =>
        applyTableCommit(undefined, [{ type: 'assert-current-schema-id', 'current-schema-id': 0 }], [], { now: NOW }),
      RequirementFailedError,
    );
  });
});
