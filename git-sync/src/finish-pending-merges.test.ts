import assert from 'node:assert/strict';
import type { PendingMerge } from './catalog/data-catalog.ts';
import { CatalogRequestFailedError } from './errors/index.ts';
import { finishPendingMerges } from './finish-pending-merges.ts';
import { ioWith, recordingCatalog } from './testing/recording-catalog.ts';
import { PROPS } from './types.ts';

const pending = (p: Partial<PendingMerge>): PendingMerge => ({
  id: 'p1',
  sourceRef: 'feature',
  targetRef: 'main',
  sourceHash: 'f1',
  sourceBranch: 'feature',
  targetBranch: 'main',
  mergeSha: 'c'.repeat(40),
  forge: 'github',
  state: 'rebuild',
  tables: ['gold.revenue'],
  blocking: [],
  mergedHash: 'm1',
  recordedAt: '2026-01-01T00:00:00Z',
  ...p,
});

describe('finishPendingMerges (forge merges the webhook left for rat sync)', () => {
  it('rebuilds the pending derived tables in one merge into the target, links the code merge and clears the record', async () => {
    const { catalog, heads, merges, links, cleared } = recordingCatalog([pending({})]);
    const calls: string[][] = [];
    const [r] = await finishPendingMerges(ioWith(catalog, { ok: true, rebuilt: ['gold.revenue'] }, calls), 'main');
    assert.equal(r?.kind, 'merged');
    assert.deepEqual(r?.kind === 'merged' && r.rebuilt, ['gold.revenue']);
    assert.deepEqual(
      calls.map((c) => c.slice(1)),
      [['gold.revenue']],
    );
    const intoMain = merges.filter((m) => m.target === 'main');
    assert.equal(intoMain.length, 1, 'one commit on the target');
    assert.equal(intoMain[0]!.req.properties?.[PROPS.mergeCommit], 'c'.repeat(40));
    assert.deepEqual(cleared, ['p1']);
    assert.deepEqual(
      links.map((l) => [l.sha, l.dataHash]),
      [['c'.repeat(40), heads.get('main')]],
    );
  });

  it('a failed rebuild or a table no model produces keeps the record; --resolve ours clears it untouched', async () => {
    const failed = recordingCatalog([pending({})]);
    const [f] = await finishPendingMerges(
      ioWith(failed.catalog, { ok: false, model: 'gold.revenue', message: 'x' }),
      'main',
    );
    assert.equal(f?.kind, 'rebuild-failed');
    assert.deepEqual(failed.cleared, []);
    assert.equal(failed.heads.get('main'), 'm1');

    const blocked = recordingCatalog([pending({ tables: ['bronze.orders'] })]);
    const [b] = await finishPendingMerges(ioWith(blocked.catalog, { ok: true, rebuilt: [] }), 'main');
    assert.deepEqual(b?.kind === 'conflict' && b.blocking, ['bronze.orders']);
    assert.deepEqual(blocked.cleared, []);

    const ours = recordingCatalog([pending({ tables: ['bronze.orders'] })]);
    const [o] = await finishPendingMerges(ioWith(ours.catalog, { ok: true, rebuilt: [] }), 'main', { resolve: 'ours' });
    assert.equal(o?.kind, 'already-merged');
    assert.deepEqual(ours.cleared, ['p1']);
    assert.equal(ours.merges.length, 0);
  });

  it('merges the source as recorded: at its recorded head, and detached once its branch is deleted', async () => {
    // The branch moved on after the forge merge: what was merged on the forge is the recorded head, not the new one.
    const moved = recordingCatalog([pending({ sourceHash: 'f0' })]);
    await finishPendingMerges(ioWith(moved.catalog, { ok: true, rebuilt: [] }), 'main');
    assert.deepEqual([moved.merges[0]!.req.fromRefName, moved.merges[0]!.req.fromHash], ['feature', 'f0']);

    // Deleted before `rat sync` (a merged branch often is): the recorded commit, detached.
    for (const state of ['rebuild', 'conflict'] as const) {
      const gone = recordingCatalog([
        pending({ state, tables: state === 'conflict' ? ['gold.revenue'] : ['gold.revenue'] }),
      ]);
      gone.heads.delete('feature');
      const calls: string[][] = [];
      const [r] = await finishPendingMerges(
        ioWith(gone.catalog, { ok: true, rebuilt: ['gold.revenue'] }, calls),
        'main',
      );
      assert.equal(r?.kind, 'merged', state);
      const fromSource = gone.merges.filter((m) => m.req.fromHash === 'f1');
      assert.ok(fromSource.length >= 1, state);
      for (const m of fromSource) assert.equal(m.req.fromRefName, 'DETACHED', state);
      assert.deepEqual(gone.cleared, ['p1'], state);
    }
  });

  it('merges the recorded commit detached when the source branch was reset and no longer holds it', async () => {
    for (const state of ['rebuild', 'conflict'] as const) {
      const reset = recordingCatalog([pending({ state, sourceHash: 'f0' })]);
      const merge = reset.catalog.merge;
      // The server refuses a fromHash that is not on fromRefName (the branch was reset or made anew since).
      reset.catalog.merge = async (target, req) => {
        if (req.fromRefName === 'feature' && req.fromHash === 'f0')
          throw new CatalogRequestFailedError(
            'POST',
            '/merge',
            400,
            'BAD_REQUEST',
            'not on',
            'COMMIT_NOT_ON_REFERENCE',
          );
        return merge(target, req);
      };
      const [r] = await finishPendingMerges(ioWith(reset.catalog, { ok: true, rebuilt: ['gold.revenue'] }), 'main');
      assert.equal(r?.kind, 'merged', state);
      const detachedMerges = reset.merges.filter((m) => m.req.fromHash === 'f0');
      assert.ok(detachedMerges.length >= 1, state);
      for (const m of detachedMerges) assert.equal(m.req.fromRefName, 'DETACHED', state);
      assert.deepEqual(reset.cleared, ['p1'], state);
    }
    // Any other refusal is not retried.
    const other = recordingCatalog([pending({ state: 'conflict' })]);
    other.catalog.merge = async () => {
      throw new CatalogRequestFailedError('POST', '/merge', 400, 'BAD_REQUEST', 'bad', 'READ_ONLY_REFERENCE');
    };
    await assert.rejects(finishPendingMerges(ioWith(other.catalog, { ok: true, rebuilt: [] }), 'main'));
  });

  it('only the merges into the branch being synced', async () => {
    const { catalog, cleared } = recordingCatalog([pending({ targetRef: 'release', targetBranch: 'release' })]);
    assert.deepEqual(await finishPendingMerges(ioWith(catalog, { ok: true, rebuilt: [] }), 'main'), []);
    assert.deepEqual(cleared, []);
  });
});
