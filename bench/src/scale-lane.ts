import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteVersionStore, type ContentKey, type Operation } from '@ratatouille/catalog-server';
import { NessieApi, tablePut } from './api-v2-lane.ts';
import { latencies, timeOnce } from './measure.ts';
import type { Recorder } from './report.ts';
import { startOurs } from './servers.ts';
import { log } from './report.ts';

export interface ScaleWorkload {
  sizes: number[];
  mergeSizes: number[];
  historyCommits: number;
  reps: number;
}

export const FULL_SCALE: ScaleWorkload = {
  sizes: [10, 1000, 10000],
  mergeSizes: [1, 100, 1000],
  historyCommits: 100_000,
  reps: 20,
};
export const QUICK_SCALE: ScaleWorkload = {
  sizes: [10, 1000, 10000],
  mergeSizes: [1, 100, 1000],
  historyCommits: 5_000,
  reps: 5,
};

const NS = 'scale';
const key = (name: string): ContentKey => ({ elements: [NS, name] });

function put(name: string, version: number): Operation {
  const p = tablePut(NS, name, version);
  return { type: 'PUT', key: key(name), content: p.content as Extract<Operation, { type: 'PUT' }>['content'] };
}

/** Commits `ops` on `branch` in batches of 1,000 operations; returns the new head. */
async function commitBatched(
  store: SqliteVersionStore,
  branch: string,
  head: string,
  ops: Operation[],
): Promise<string> {
  for (let i = 0; i < ops.length; i += 1000) {
    head = (await store.commit(branch, head, { message: 'populate' }, ops.slice(i, i + 1000))).hash;
  }
  return head;
}

function p50(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Versioning at scale, on the store directly and then over HTTP (our `/api/v2` on the same database file):
 * branch creation with 10/1,000/10,000 tables on the source (must stay flat), merge of a branch that changed
 * 1/100/1,000 tables, log and diff over a long history, and reading a table at an old hash deep in that history.
 * Population runs with synchronous=OFF to save time; every measurement runs with the store's own FULL.
 */
export async function runScaleLane(w: ScaleWorkload, rec: Recorder): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-scale-'));
  try {
    const store = await SqliteVersionStore.open(path.join(dataDir, 'catalog.db'));
    const heads = new Map<number, string>();
    let oldHash = '';
    let histHead = '';
    let mergeBase = '';
    try {
      // ---- populate: src<N> holds N tables.
      store.db.pragma('synchronous = OFF');
      const root = (await store.getReference('main')).hash;
      let head = (
        await store.commit('main', root, { message: 'ns' }, [
          { type: 'PUT', key: { elements: [NS] }, content: { type: 'NAMESPACE', elements: [NS], properties: {} } },
        ])
      ).hash;
      let have = 0;
      for (const n of w.sizes) {
        const b = `src${n}`;
        await store.createReference(b, 'BRANCH', head);
        const ops = Array.from({ length: n - have }, (_, i) => put(`t${have + i}`, 0));
        head = await commitBatched(store, b, head, ops);
        heads.set(n, head);
        have = n;
      }
      const biggest = Math.max(...w.sizes);
      const base = heads.get(biggest)!;
      mergeBase = base;

      // ---- long history: each commit changes one of 1,000 tables.
      const t0 = performance.now();
      await store.createReference('hist', 'BRANCH', heads.get(1000) ?? base);
      let h = heads.get(1000) ?? base;
      // Each store commit is its own transaction; grouping 1,000 of them in one outer transaction (better-sqlite3 turns
      // the inner ones into savepoints) only makes populating faster: the commits and their hashes are the same.
      for (let i = 0; i < w.historyCommits; i++) {
        const group = i % 1000 === 0 && !store.db.inTransaction;
        if (group) store.db.exec('BEGIN IMMEDIATE');
        try {
          h = (await store.commit('hist', h, { message: `c${i}` }, [put(`t${i % 1000}`, i + 1)])).hash;
        } catch (e) {
          if (store.db.inTransaction) store.db.exec('ROLLBACK');
          throw e;
        }
        if ((i % 1000 === 999 || i === w.historyCommits - 1) && store.db.inTransaction) store.db.exec('COMMIT');
        if (i === 9) oldHash = h;
      }
      histHead = h;
      log(`  (populated ${w.historyCommits} commits in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      store.db.pragma('synchronous = FULL');

      // ---- store: branch creation per source size.
      for (const n of w.sizes) {
        const src = heads.get(n)!;
        const lat = await latencies(w.reps, (i) => store.createReference(`s-b${n}-${i}`, 'BRANCH', src));
        rec.add({
          lane: 'scale',
          name: `branch create, ${n} tables p50`,
          system: 'store',
          value: lat.p50,
          unit: 'ms',
          better: 'lower',
        });
      }
      // ---- store: merge a branch that changed k tables into a target that moved on.
      for (const k of w.mergeSizes) {
        const samples: number[] = [];
        for (let r = 0; r < Math.max(3, Math.floor(w.reps / 4)); r++) {
          const f = `s-f${k}-${r}`;
          const t = `s-t${k}-${r}`;
          await store.createReference(f, 'BRANCH', base);
          await store.createReference(t, 'BRANCH', base);
          const fh = await commitBatched(
            store,
            f,
            base,
            Array.from({ length: k }, (_, i) => put(`t${i}`, 1_000_000 + r)),
          );
          await store.commit(t, base, { message: 'diverge' }, [put(`t${biggest - 1}`, 2_000_000 + r)]);
          samples.push((await timeOnce(() => store.merge({ fromRefName: f, fromHash: fh, toBranch: t }))).ms);
        }
        rec.add({
          lane: 'scale',
          name: `merge, ${k} changed tables p50`,
          system: 'store',
          value: p50(samples),
          unit: 'ms',
          better: 'lower',
        });
      }
      // ---- store: log and diff over the long history; reads at an old hash.
      const first = await latencies(w.reps, () => store.log(histHead, { maxRecords: 100 }));
      rec.add({
        lane: 'scale',
        name: `log first page, ${w.historyCommits} commits p50`,
        system: 'store',
        value: first.p50,
        unit: 'ms',
        better: 'lower',
      });
      const walk = await timeOnce(async () => {
        let n = 0;
        let token: string | undefined;
        do {
          const page = await store.log(histHead, { maxRecords: 10_000, pageToken: token });
          n += page.items.length;
          token = page.token;
        } while (token);
        return n;
      });
      rec.add({
        lane: 'scale',
        name: `log full walk, ${w.historyCommits} commits`,
        system: 'store',
        value: walk.ms,
        unit: 'ms',
        better: 'lower',
        detail: { commits: walk.value },
      });
      const diff = await timeOnce(async () => {
        let n = 0;
        let token: string | undefined;
        do {
          const page = await store.diff(oldHash, histHead, { maxRecords: 10_000, pageToken: token });
          n += page.items.length;
          token = page.token;
        } while (token);
        return n;
      });
      rec.add({
        lane: 'scale',
        name: `diff across ${w.historyCommits} commits`,
        system: 'store',
        value: diff.ms,
        unit: 'ms',
        better: 'lower',
        detail: { entries: diff.value },
      });
      const oldRead = await latencies(w.reps * 5, (i) => store.getContent(oldHash, key(`t${i % 1000}`)));
      rec.add({
        lane: 'scale',
        name: 'read table at old hash p50',
        system: 'store',
        value: oldRead.p50,
        unit: 'ms',
        better: 'lower',
      });
      const headRead = await latencies(w.reps * 5, (i) => store.getContent(histHead, key(`t${i % 1000}`)));
      rec.add({
        lane: 'scale',
        name: 'read table at head p50',
        system: 'store',
        value: headRead.p50,
        unit: 'ms',
        better: 'lower',
      });
    } finally {
      await store.close();
    }

    // ---- the same over HTTP, on the same database, through `rat serve`.
    const ours = await startOurs({ dataDir });
    const api = new NessieApi(`${ours.url}/api/v2`);
    try {
      for (const n of w.sizes) {
        const src = heads.get(n)!;
        const lat = await latencies(w.reps, (i) => api.createBranch(`h-b${n}-${i}`, `src${n}`, src), 3);
        rec.add({
          lane: 'scale',
          name: `branch create, ${n} tables p50`,
          system: 'http',
          value: lat.p50,
          unit: 'ms',
          better: 'lower',
        });
      }
      const biggest = Math.max(...w.sizes);
      for (const k of w.mergeSizes) {
        const samples: number[] = [];
        for (let r = 0; r < Math.max(3, Math.floor(w.reps / 4)); r++) {
          const f = `h-f${k}-${r}`;
          const t = `h-t${k}-${r}`;
          let fh = await api.createBranch(f, `src${biggest}`, mergeBase);
          let th = await api.createBranch(t, `src${biggest}`, mergeBase);
          for (let i = 0; i < k; i += 1000) {
            const ops = Array.from({ length: Math.min(1000, k - i) }, (_, j) =>
              tablePut(NS, `t${i + j}`, 3_000_000 + r),
            );
            fh = await api.commit(f, fh, ops);
          }
          th = await api.commit(t, th, [tablePut(NS, `t${biggest - 1}`, 4_000_000 + r)]);
          samples.push((await timeOnce(() => api.merge(t, th, f, fh))).ms);
        }
        rec.add({
          lane: 'scale',
          name: `merge, ${k} changed tables p50`,
          system: 'http',
          value: p50(samples),
          unit: 'ms',
          better: 'lower',
        });
      }
      const first = await latencies(w.reps, () => api.client.json('GET', `/trees/hist/history?max-records=100`), 2);
      rec.add({
        lane: 'scale',
        name: `log first page, ${w.historyCommits} commits p50`,
        system: 'http',
        value: first.p50,
        unit: 'ms',
        better: 'lower',
      });
      const diff = await timeOnce(() => api.diffAll(`hist@${oldHash}`, `hist@${histHead}`));
      rec.add({
        lane: 'scale',
        name: `diff across ${w.historyCommits} commits`,
        system: 'http',
        value: diff.ms,
        unit: 'ms',
        better: 'lower',
        detail: { entries: diff.value },
      });
      const oldRead = await latencies(w.reps * 5, (i) =>
        api.client.json('GET', `/trees/${encodeURIComponent(`hist@${oldHash}`)}/contents/${NS}.t${i % 1000}`),
      );
      rec.add({
        lane: 'scale',
        name: 'read table at old hash p50',
        system: 'http',
        value: oldRead.p50,
        unit: 'ms',
        better: 'lower',
      });
      const headRead = await latencies(w.reps * 5, (i) =>
        api.client.json('GET', `/trees/hist/contents/${NS}.t${i % 1000}`),
      );
      rec.add({
        lane: 'scale',
        name: 'read table at head p50',
        system: 'http',
        value: headRead.p50,
        unit: 'ms',
        better: 'lower',
      });
    } finally {
      api.close();
      await ours.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
