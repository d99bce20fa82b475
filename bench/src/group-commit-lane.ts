import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteVersionStore, type Operation } from '@ratatouille/catalog-server';
import { tablePut } from './api-v2-lane.ts';
import { throughput } from './measure.ts';
import type { Recorder } from './report.ts';

export interface GroupCommitWorkload {
  /** Commits per run (split across the writers). */
  commits: number;
  writers: number[];
  /** Tables the writers of the one-branch run spread over (writer w owns the tables i with i % writers == w). */
  tables: number;
}

export const FULL_GROUP: GroupCommitWorkload = { commits: 3000, writers: [1, 4, 16], tables: 30 };
export const QUICK_GROUP: GroupCommitWorkload = { commits: 1000, writers: [1, 4, 16], tables: 30 };

/** The two SQLite write modes compared in the same run. */
const MODES = [
  { system: 'one tx per commit', groupCommit: false },
  { system: 'group commit', groupCommit: true },
] as const;

const NS = 'group';

function put(name: string, version: number): Operation {
  const p = tablePut(NS, name, version);
  return {
    type: 'PUT',
    key: { elements: [NS, name] },
    content: p.content as Extract<Operation, { type: 'PUT' }>['content'],
  };
}

/**
 * Catalog commits straight on the SQLite store (on disk, WAL, synchronous=FULL), 1/4/16 concurrent writers, in each
 * of the `MODES`, in the same run:
 *  - `own branches`: writer w commits to branch `w<w>`, so commits that arrive together can share a transaction;
 *  - `main, <n> tables`: every writer commits to `main` (as Iceberg writers on one branch do), each to tables of its
 *    own; each commit plans on the one still in flight before it, so these share transactions too.
 * Each figure also records writes per transaction (the grouping achieved) and what `catalog.db` grew by per commit.
 */
export async function runGroupCommitLane(w: GroupCommitWorkload, rec: Recorder): Promise<void> {
  // Modes innermost, so the figures a ratio compares are measured one right after the other (this machine's speed
  // drifts over a run).
  for (const shape of ['own branches', `main, ${w.tables} tables`] as const) {
    for (const writers of w.writers) {
      for (const mode of MODES) {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-group-'));
        const store = await SqliteVersionStore.open(path.join(dir, 'catalog.db'), { groupCommit: mode.groupCommit });
        try {
          const ownBranches = shape === 'own branches';
          const root = (await store.getReference('main')).hash;
          if (ownBranches) for (let i = 0; i < writers; i++) await store.createReference(`w${i}`, 'BRANCH', root);
          // What the catalog file grows by per commit: its size with the WAL copied in, before and after the run.
          const file = path.join(dir, 'catalog.db');
          const fileBytes = () => {
            store.db.pragma('wal_checkpoint(TRUNCATE)');
            return statSync(file).size;
          };
          const bytesBefore = fileBytes();
          const next = new Array<number>(writers).fill(0);
          let left = w.commits;
          const before = store.groupCommitStats;
          const r = await throughput(
            writers,
            () => left-- > 0,
            async (writer) => {
              const n = next[writer]++;
              const branch = ownBranches ? `w${writer}` : 'main';
              const owned = Math.ceil((w.tables - writer) / writers);
              const table = ownBranches ? 't' : `t${writer + writers * (n % owned)}`;
              const head = (await store.getReference(branch)).hash;
              await store.commit(branch, head, { message: 'append' }, [put(table, n + 1)]);
              return 0;
            },
          );
          const after = store.groupCommitStats;
          const catalogBytesPerCommit = Math.round((fileBytes() - bytesBefore) / w.commits);
          rec.add({
            lane: 'group',
            name: `commits/s ${shape} ${writers}w`,
            system: mode.system,
            value: r.perSecond,
            unit: 'commit/s',
            better: 'higher',
            detail: {
              writesPerTx: (after.items - before.items) / Math.max(1, after.transactions - before.transactions),
              catalogBytesPerCommit,
              p50ms: r.latency.p50,
              p99ms: r.latency.p99,
            },
          });
        } finally {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  }
}
