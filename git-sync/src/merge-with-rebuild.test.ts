import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { DataCatalog, DataMergeRequest, DataReference } from './catalog/data-catalog.ts';
import { defaultProjectConfig } from './config/default-project-config.ts';
import { MERGE_BRANCH_PREFIX, mergeWithRebuild } from './merge-with-rebuild.ts';
import { PROPS, type DerivedRebuild, type GitSyncIO, type RebuildOutcome } from './types.ts';

/** Branch heads in memory; every merge succeeds with a new head and is recorded. */
function recordingCatalog() {
  const heads = new Map<string, string>([
    ['main', 'm1'],
    ['feature', 'f1'],
  ]);
  const merges: Array<{ target: string; req: DataMergeRequest }> = [];
  let n = 0;
  const ref = (name: string): DataReference | undefined =>
    heads.has(name) ? { type: 'BRANCH', name, hash: heads.get(name)! } : undefined;
  const catalog: DataCatalog = {
    url: 'http://fake',
    getReference: async (name) => ref(name),
    createReference: async (name, _type, from) => (heads.set(name, from.hash), ref(name)!),
    assignReference: async (r, to) => (heads.set(r.name, to.hash), ref(r.name)!),
    deleteReference: async (r) => void heads.delete(r.name),
    merge: async (target, req) => {
      merges.push({ target, req });
      const hash = `${target}-${++n}`;
      heads.set(target, hash);
      return {
        resultantTargetHash: hash,
        commonAncestor: 'base',
        wasApplied: true,
        wasSuccessful: true,
        keys: [],
        conflicts: [],
      };
    },
    history: async () => [],
    getLink: async () => undefined,
    putLink: async (l) => l,
    pendingMerges: async () => [],
    clearPendingMerge: async () => undefined,
  };
  return { catalog, heads, merges };
}

function ioWith(catalog: DataCatalog, outcome: RebuildOutcome, calls: string[][] = []): GitSyncIO {
  const rebuild: DerivedRebuild = {
    classify: async (tables) => ({
      derived: tables.filter((t) => t.startsWith('gold.')),
      appendOnly: tables.filter((t) => t.startsWith('_rat.')),
      other: tables.filter((t) => !t.startsWith('gold.') && !t.startsWith('_rat.')),
    }),
    run: async (req) => (calls.push([req.branch, ...req.derived]), outcome),
  };
  return {
    fs,
    dir: '/nowhere',
    gitdir: '/nowhere/.git',
    catalog,
    config: defaultProjectConfig(),
    report: { info: () => undefined, warn: () => undefined },
    rebuild,
  };
}

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
