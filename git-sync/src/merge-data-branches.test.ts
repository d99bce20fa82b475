import assert from 'node:assert/strict';
import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import type { DataMergeOutcome } from './catalog/data-catalog.ts';
import { mergeDataBranches } from './merge-data-branches.ts';
import { ioWith, recordingCatalog } from './testing/recording-catalog.ts';

describe('mergeDataBranches (what a conflict needs, from its kinds)', () => {
  /** A catalog whose dry run refuses `bronze.orders` with `kinds`; every other merge succeeds as recorded. */
  function conflicting(kinds: string[]) {
    const recording = recordingCatalog();
    const { catalog, heads } = recording;
    const record = catalog.merge;
    catalog.merge = async (target, req): Promise<DataMergeOutcome> => {
      if (!req.dryRun) return record(target, req);
      // The message keeps the words the catalog used to match on: the decision must not follow them.
      const message = 'table "bronze.orders": ingested landing files the target also ingested since the merge base';
      const conflicts = [{ key: ['bronze', 'orders'], conflictType: 'VALUE_DIFFERS', message, kinds }];
      const hash = heads.get(target)!;
      const outcome = { resultantTargetHash: hash, commonAncestor: 'base', wasApplied: false };
      return { ...outcome, wasSuccessful: false, keys: [['bronze', 'orders']], conflicts };
    };
    const calls: string[][] = [];
    const io = ioWith(catalog, { ok: true, rebuilt: ['bronze.orders'] }, calls);
    heads.set(dataBranchFor('feature', io.config), 'f1');
    heads.set(dataBranchFor('main', io.config), 'm1');
    return { io, calls };
  }

  it('re-ingests a source table whose every reason is a shared ingest', async () => {
    const { io, calls } = conflicting(['shared-ingest']);
    const r = await mergeDataBranches(io, { sourceBranch: 'feature', targetBranch: 'main' });
    assert.equal(r.kind, 'merged', JSON.stringify(r));
    assert.deepEqual(
      calls.map((c) => c.slice(1)),
      [['bronze.orders']],
    );
  });

  it('stops on a source table with any other reason, whatever the message says', async () => {
    for (const kinds of [['shared-ingest', 'metadata-changed-on-both-sides'], ['unique-key-collision'], []]) {
      const { io, calls } = conflicting(kinds);
      const r = await mergeDataBranches(io, { sourceBranch: 'feature', targetBranch: 'main' });
      assert.equal(r.kind, 'conflict', JSON.stringify(kinds));
      assert.deepEqual(r.kind === 'conflict' && r.blocking, ['bronze.orders']);
      assert.deepEqual(calls, []);
    }
  });
});
