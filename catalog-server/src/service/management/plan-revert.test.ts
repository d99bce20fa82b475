import assert from 'node:assert/strict';
import { keyId, type Content, type ContentKey } from '../../store/types.ts';
import { planRevert } from './plan-revert.ts';

const key = (...elements: string[]): ContentKey => ({ elements });
const table = (id: string, loc: string): Content => ({
  type: 'ICEBERG_TABLE',
  id,
  metadataLocation: loc,
  snapshotId: 1,
  schemaId: 0,
  specId: 0,
  sortOrderId: 0,
});
const at = (...entries: Array<[ContentKey, Content]>) => new Map(entries.map(([k, c]) => [keyId(k), c]));

describe('planning a revert', () => {
  it('puts changed keys back (without their content id), deletes added ones, re-creates deleted ones', () => {
    const before = table('t1', 'm/1.json');
    const after = table('t1', 'm/2.json');
    const added = table('t2', 'n/1.json');
    const dropped = table('t3', 'o/1.json');
    const plan = planRevert(
      [
        { key: key('db', 'orders'), from: before, to: after },
        { key: key('db', 'tmp'), from: null, to: added },
        { key: key('db', 'old'), from: dropped, to: null },
      ],
      // Key order in the content does not matter, only its value.
      at(
        [
          key('db', 'orders'),
          {
            sortOrderId: 0,
            specId: 0,
            schemaId: 0,
            snapshotId: 1,
            metadataLocation: 'm/2.json',
            id: 't1',
            type: 'ICEBERG_TABLE',
          },
        ],
        [key('db', 'tmp'), added],
      ),
    );
    assert.deepEqual(plan.conflicts, []);
    assert.deepEqual(plan.operations, [
      {
        type: 'PUT',
        key: key('db', 'orders'),
        content: {
          type: 'ICEBERG_TABLE',
          metadataLocation: 'm/1.json',
          snapshotId: 1,
          schemaId: 0,
          specId: 0,
          sortOrderId: 0,
        },
      },
      { type: 'DELETE', key: key('db', 'tmp') },
      {
        type: 'PUT',
        key: key('db', 'old'),
        content: {
          type: 'ICEBERG_TABLE',
          metadataLocation: 'o/1.json',
          snapshotId: 1,
          schemaId: 0,
          specId: 0,
          sortOrderId: 0,
        },
      },
    ]);
  });

  it('reverts nothing when a key changed after the commit, and names each such key', () => {
    const plan = planRevert(
      [
        { key: key('a'), from: table('1', 'a/1'), to: table('1', 'a/2') },
        { key: key('b'), from: table('2', 'b/1'), to: table('2', 'b/2') },
        { key: key('c'), from: null, to: table('3', 'c/1') },
        { key: key('d'), from: table('4', 'd/1'), to: null },
        { key: key('e'), from: null, to: table('5', 'e/1') },
      ],
      at([key('a'), table('1', 'a/2')], [key('b'), table('2', 'b/3')], [key('d'), table('9', 'd/9')]),
    );
    assert.deepEqual(plan.operations, []);
    assert.deepEqual(plan.conflicts, [
      { key: key('b'), reason: 'changed' },
      { key: key('c'), reason: 'deleted' },
      { key: key('d'), reason: 'created' },
      { key: key('e'), reason: 'deleted' },
    ]);
  });

  it('keys with a dot in a name are told apart from nested ones', () => {
    const plan = planRevert(
      [{ key: key('a.b', 't'), from: null, to: table('1', 'x') }],
      at([key('a', 'b', 't'), table('1', 'x')]), // the same dotted text, another key
    );
    assert.deepEqual(plan.conflicts, [{ key: key('a.b', 't'), reason: 'deleted' }]);
  });
});
