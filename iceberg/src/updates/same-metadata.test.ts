import assert from 'node:assert/strict';
import { sameTableMetadata, sameViewMetadata } from './same-metadata.ts';
import { applyTableCommit } from './apply-table-commit.ts';
import { createTableUpdates, createViewUpdates } from './create-updates.ts';
import { parseTableUpdate } from './table-update.ts';
import { applyViewCommit, parseViewUpdate } from './view-updates.ts';
import { createTableRequest, createViewRequest } from '../rest/requests.ts';
import { deepFreeze } from '../model/frozen.ts';

const NOW = 1_700_000_000_000;
const S1 = 3051729675574597004n;
const schema = { type: 'struct', fields: [{ id: 1, name: 'id', type: 'long', required: true }] };

const table = deepFreeze(
  applyTableCommit(
    undefined,
    [],
    [
      ...createTableUpdates(createTableRequest.parse({ name: 't', schema }), { uuid: 'u', location: 'file:///wh/t' }),
      parseTableUpdate({
        action: 'add-snapshot',
        snapshot: { 'snapshot-id': S1, 'sequence-number': 1, 'timestamp-ms': NOW, summary: { operation: 'append' } },
      }),
      parseTableUpdate({ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': S1 }),
      parseTableUpdate({ action: 'set-properties', updates: { a: '1' } }),
    ],
    { now: NOW },
  ),
);

const after = (updates: unknown[]) => applyTableCommit(table, [], updates.map(parseTableUpdate), { now: NOW + 60_000 });

describe('same metadata (no-op commits)', () => {
  it('updates that change nothing leave the table the same, whatever last-updated-ms says', () => {
    for (const u of [
      [],
      [{ action: 'remove-snapshot-ref', 'ref-name': 'missing' }],
      [{ action: 'upgrade-format-version', 'format-version': 2 }],
      [{ action: 'set-properties', updates: { a: '1' } }],
      [{ action: 'remove-properties', removals: ['missing'] }],
      [{ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': S1 }],
      [{ action: 'set-current-schema', 'schema-id': 0 }],
    ]) {
      const md = after(u);
      assert.notEqual(md['last-updated-ms'], table['last-updated-ms']);
      assert.ok(
        sameTableMetadata(table, md),
        JSON.stringify(u, (_k, v) => String(v)),
      );
    }
  });

  it('a real change is seen, also deep inside a record', () => {
    for (const u of [
      [{ action: 'set-properties', updates: { a: '2' } }],
      [{ action: 'remove-properties', removals: ['a'] }],
      [{ action: 'set-snapshot-ref', 'ref-name': 'v1', type: 'tag', 'snapshot-id': S1 }],
      [{ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': S1, 'max-ref-age-ms': 5 }],
      [{ action: 'remove-snapshot-ref', 'ref-name': 'main' }],
      [{ action: 'upgrade-format-version', 'format-version': 3 }],
    ])
      assert.ok(
        !sameTableMetadata(table, after(u)),
        JSON.stringify(u, (_k, v) => String(v)),
      );
  });

  it('views: an empty or no-op commit is the same view, a new version is not', () => {
    const req = createViewRequest.parse({
      name: 'v',
      schema,
      'view-version': {
        'version-id': 1,
        'timestamp-ms': NOW,
        'schema-id': 0,
        summary: {},
        representations: [{ type: 'sql', sql: 'select 1', dialect: 'spark' }],
        'default-namespace': ['ns'],
      },
      properties: { p: '1' },
    });
    const view = applyViewCommit(undefined, [], createViewUpdates(req, { uuid: 'vu', location: 'file:///wh/v' }));
    assert.ok(sameViewMetadata(view, applyViewCommit(view, [], [])));
    const same = [parseViewUpdate({ action: 'set-properties', updates: { p: '1' } })];
    assert.ok(sameViewMetadata(view, applyViewCommit(view, [], same)));
    const changed = [parseViewUpdate({ action: 'set-properties', updates: { p: '2' } })];
    assert.ok(!sameViewMetadata(view, applyViewCommit(view, [], changed)));
  });
});
