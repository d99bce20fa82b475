import assert from 'node:assert/strict';
import { MERGE_BRANCH_PREFIX, mergeWithRebuild } from './merge-with-rebuild.ts';
import { ioWith, recordingCatalog } from './testing/recording-catalog.ts';
import { PROPS } from './types.ts';

describe('mergeWithRebuild (temporary branch, one merge into the target)', () => {
  const request = (conflicts: string[]) => ({
    source: { type: 'BRANCH' as const, name: 'feature', hash: 'f1' },
    target: { type: 'BRANCH' as const, name: 'main', hash: 'm1' },
    conflicts: conflicts.map((t) => t.split('.')),
    message: 'Merge data of feature into main',
    properties: { [PROPS.sourceBranch]: 'feature' },
  });

  it('rebuilds on a temporary branch and merges it into the target guarded by the head it started from', async () => {
    const { catalog, heads, merges } = recordingCatalog();
    const calls: string[][] = [];
    const r = await mergeWithRebuild(
      ioWith(catalog, { ok: true, rebuilt: ['gold.revenue'] }, calls),
      request(['gold.revenue', '_rat.runs']),
    );
    assert.equal(r.kind, 'merged');
    const [intoTemp, intoTarget] = merges;
    assert.ok(intoTemp.target.startsWith(MERGE_BRANCH_PREFIX));
    assert.deepEqual(
      intoTemp.req.keyMergeModes?.map((k) => [k.key.join('.'), k.mergeBehavior]),
      [
        ['gold.revenue', 'DROP'],
        ['_rat.runs', 'DROP'],
      ],
    );
    assert.deepEqual(calls, [[intoTemp.target, 'gold.revenue']]);
    assert.equal(intoTarget.target, 'main');
    assert.equal(intoTarget.req.expectedHash, 'm1');
    assert.equal(intoTarget.req.properties?.[PROPS.rebuilt], 'gold.revenue');
    assert.equal(merges.length, 2, 'one merge into the target');
    assert.ok(![...heads.keys()].some((k) => k.startsWith(MERGE_BRANCH_PREFIX)), 'temporary branch deleted');
  });

  it('a failed model leaves the target untouched and names the model', async () => {
    const { catalog, heads, merges } = recordingCatalog();
    const r = await mergeWithRebuild(
      ioWith(catalog, { ok: false, model: 'gold.revenue', message: 'test failed' }),
      request(['gold.revenue']),
    );
    assert.deepEqual(r.kind === 'rebuild-failed' && [r.model, r.message], ['gold.revenue', 'test failed']);
    assert.equal(heads.get('main'), 'm1');
    assert.ok(merges.every((m) => m.target !== 'main'));
    assert.ok(![...heads.keys()].some((k) => k.startsWith(MERGE_BRANCH_PREFIX)), 'temporary branch deleted');
  });

  it('a source whose conflict a re-ingest settles is handed to the rebuild with the derived tables', async () => {
    const { catalog, merges } = recordingCatalog();
    const calls: string[][] = [];
    const r = await mergeWithRebuild(ioWith(catalog, { ok: true, rebuilt: ['bronze.orders'] }, calls), {
      ...request(['bronze.orders', '_rat.ingest_files']),
      reingest: ['bronze.orders'],
    });
    assert.equal(r.kind, 'merged');
    assert.deepEqual(calls, [[merges[0].target, 'bronze.orders']]);
  });

  it('a conflict on a table no model produces blocks the merge before anything is written', async () => {
    const { catalog, heads, merges } = recordingCatalog();
    const r = await mergeWithRebuild(
      ioWith(catalog, { ok: true, rebuilt: [] }),
      request(['gold.revenue', 'bronze.orders']),
    );
    assert.deepEqual(r.kind === 'blocked' && r.blocking, ['bronze.orders']);
    assert.equal(merges.length, 0);
    assert.deepEqual([...heads.keys()].sort(), ['feature', 'main']);
  });
});
