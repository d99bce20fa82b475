import assert from 'node:assert/strict';
import { applyTableCommit } from './apply-table-commit.ts';
import { createTableUpdates } from './create-updates.ts';
import { parseTableUpdate } from './table-update.ts';
import { createTableRequest } from '../rest/requests.ts';
import { deepFreeze } from '../model/frozen.ts';
import type { TableMetadata } from '../model/table-metadata.ts';
import { InvalidUpdateError, RequirementFailedError } from '../errors/index.ts';

const NOW = 1_700_000_000_000;

function table(formatVersion: number): TableMetadata {
  const req = createTableRequest.parse({
    name: 't',
    schema: { type: 'struct', fields: [{ id: 1, name: 'id', type: 'long', required: true }] },
    properties: { 'format-version': String(formatVersion) },
  });
  const md = applyTableCommit(undefined, [], createTableUpdates(req, { uuid: 'u', location: 'file:///wh/t' }), {
    now: NOW,
  });
  return deepFreeze(md);
}

/** Adds snapshot `seq` (id = seq, parent = seq - 1) with the given row lineage fields. */
function add(md: TableMetadata, seq: number, lineage: Record<string, unknown>): TableMetadata {
  const snapshot = {
    'snapshot-id': seq,
    ...(seq > 1 ? { 'parent-snapshot-id': seq - 1 } : {}),
    'sequence-number': seq,
    'timestamp-ms': NOW + seq,
    'manifest-list': `file:///wh/t/metadata/snap-${seq}.avro`,
    summary: { operation: 'append' },
    ...lineage,
  };
  return applyTableCommit(md, [], [parseTableUpdate({ action: 'add-snapshot', snapshot })], { now: NOW + seq });
}

describe('snapshot row lineage', () => {
  it('v3: first-row-id at next-row-id moves next-row-id by added-rows', () => {
    const md = add(table(3), 1, { 'first-row-id': 0, 'added-rows': 10 });
    assert.equal(md['next-row-id'], 10);
    assert.equal(add(md, 2, { 'first-row-id': 10, 'added-rows': 5 })['next-row-id'], 15);
  });

  it('v3: a first-row-id behind next-row-id is a conflict (RequirementFailedError), the table unchanged', () => {
    const md = add(table(3), 1, { 'first-row-id': 0, 'added-rows': 10 });
    assert.throws(() => add(md, 2, { 'first-row-id': 5, 'added-rows': 10 }), RequirementFailedError);
    assert.equal(md['next-row-id'], 10);
  });

  it('first-row-id without added-rows, or a negative count, is an InvalidUpdateError (v2 and v3)', () => {
    for (const v of [2, 3]) {
      assert.throws(() => add(table(v), 1, { 'first-row-id': 0 }), InvalidUpdateError, `v${v}`);
      assert.throws(() => add(table(v), 1, { 'first-row-id': -1, 'added-rows': 1 }), InvalidUpdateError, `v${v}`);
      assert.throws(() => add(table(v), 1, { 'first-row-id': 0, 'added-rows': -1 }), InvalidUpdateError, `v${v}`);
      assert.throws(() => add(table(v), 1, { 'first-row-id': '0', 'added-rows': 1 }), InvalidUpdateError, `v${v}`);
    }
  });

  it('v3: next-row-id stays above every row id the snapshot assigned when it starts beyond next-row-id', () => {
    const md = add(add(table(3), 1, { 'first-row-id': 0, 'added-rows': 10 }), 2, {
      'first-row-id': 100,
      'added-rows': 10,
    });
    assert.equal(md['next-row-id'], 110);
  });

  it('v3: a snapshot without first-row-id is an InvalidUpdateError; v2 needs none', () => {
    const md = add(table(3), 1, { 'first-row-id': 0, 'added-rows': 10 });
    assert.throws(() => add(md, 2, {}), InvalidUpdateError);
    assert.throws(() => add(md, 2, { 'added-rows': 5 }), InvalidUpdateError);
    assert.equal(add(table(2), 1, {}).snapshots.length, 1);
  });
});
