import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SqliteVersionStore, type ContentKey, type Operation } from '@ratatouille/catalog-server';
import { NessieApi, tablePut } from './api-v2-lane.ts';
import { runCatalogListing, type CatalogListingWorkload } from './catalog-listing.ts';
import { runCommitHistory, type CommitHistoryWorkload } from './commit-history.ts';
import { latencies, timeOnce } from './measure.ts';
import { log, Recorder } from './report.ts';
import { startOurs } from './servers.ts';

/** Sizes of the at-scale lane: where users of other versioned catalogs report trouble. */
export interface AtScaleWorkload extends CommitHistoryWorkload, CatalogListingWorkload {
  /** Tags next to a few branches, for listing references. */
  tags: number;
  /** Merge commits between the fork point of a branch and the head it is merged into. */
  mergeCommits: number;
  /** Keys that differ between two commits. */
  diffKeys: number;
  reps: number;
}

export const FULL_AT_SCALE: AtScaleWorkload = {
  tags: 100_000,
  mergeCommits: 10_000,
  diffKeys: 10_000,
  catalogTables: 100_000,
  reps: 5,
  historySnapshots: 5_000,
  historyMaxMs: 240_000,
  historyLoads: 50,
};
export const QUICK_AT_SCALE: AtScaleWorkload = {
  tags: 10_000,
  mergeCommits: 1_000,
  diffKeys: 10_000,
  catalogTables: 10_000,
  reps: 3,
  historySnapshots: 1_000,
  historyMaxMs: 30_000,
  historyLoads: 30,
};

const NS = 'at';
const key = (name: string): ContentKey => ({ elements: [NS, name] });

function put(name: string, version: number): Operation {
  const p = tablePut(NS, name, version);
  return { type: 'PUT', key: key(name), content: p.content as Extract<Operation, { type: 'PUT' }>['content'] };
}

/**
 * Runs `fn` for 0 … n−1 inside outer transactions of 1,000 calls each: each store call stays its own transaction
 * (better-sqlite3 makes the inner ones savepoints), only populating gets faster.
 */
async function batched(store: SqliteVersionStore, n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i++) {
    if (i % 1000 === 0) store.db.exec('BEGIN IMMEDIATE');
    try {
      await fn(i);
    } catch (e) {
      if (store.db.inTransaction) store.db.exec('ROLLBACK');
      throw e;
    }
    if ((i % 1000 === 999 || i === n - 1) && store.db.inTransaction) store.db.exec('COMMIT');
  }
}

/**
 * Versioning where Nessie's users report trouble (4–5 s to list branches next to 38k tags, ~5 s for a 10k-key diff,
 * minutes for a merge over thousands of merge commits): listing references next to 100,000 tags, the merge base of a
 * branch forked before 10,000 merge commits (and the merge itself), a diff of 10,000 keys and the revert (dry run)
 * of a merge that brought them. Fixtures are built through the store API in a temp folder (synchronous=OFF while
 * populating), then measured on the store (FULL) and over HTTP on the same database. Then, each on a fresh server,
 * listing tables in a large catalog (`runCatalogListing`) and commit cost against a table's history length
 * (`runCommitHistory`).
 *
 * @example await runAtScaleLane(QUICK_AT_SCALE, rec)
 */
export async function runAtScaleLane(w: AtScaleWorkload, rec: Recorder): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-atscale-'));
  const lane = 'at-scale';
  const fig = (name: string, system: string, value: number) =>
    rec.add({ lane, name, system, value, unit: 'ms', better: 'lower' });
  /** Records the first call (cold caches) and the p50 of the next `reps` calls. */
  const firstAndWarm = async (system: string, name: string, fn: () => Promise<void>) => {
    fig(`${name}, first call`, system, (await timeOnce(fn)).ms);
    fig(`${name} p50`, system, (await latencies(w.reps, fn)).p50);
  };
  try {
    const store = await SqliteVersionStore.open(path.join(dataDir, 'catalog.db'));
    let main = '';
    let forkHead = '';
    let diffFrom = '';
    let diffTo = '';
    let wideMerge = '';
    try {
      store.db.pragma('synchronous = OFF');
      const t0 = performance.now();
      main = (
        await store.commit('main', (await store.getReference('main')).hash, { message: 'ns' }, [
          { type: 'PUT', key: { elements: [NS] }, content: { type: 'NAMESPACE', elements: [NS], properties: {} } },
        ])
      ).hash;
      // The branch to merge, forked now, before the merge history.
      await store.createReference('fork', 'BRANCH', main);
      forkHead = (await store.commit('fork', main, { message: 'fork change' }, [put('forked', 1)])).hash;

      // main gets `mergeCommits` merge commits: a side branch commits one key, main merges it, again and again
      // (main never moves on its own, yet is never an ancestor of the side branch: each merge is a real one).
      await store.createReference('side', 'BRANCH', main);
      let side = main;
      await batched(store, w.mergeCommits, async (i) => {
        side = (await store.commit('side', side, { message: `side ${i}` }, [put(`s${i % 100}`, i)])).hash;
        const r = await store.merge({
          fromRefName: 'side',
          fromHash: side,
          toBranch: 'main',
          meta: { message: `m${i}` },
        });
        if (!r.wasApplied) throw new Error(`fixture merge ${i} was not applied`);
        main = r.resultantTargetHash;
        if (i % 2000 === 1999)
          log(`  (at-scale: ${i + 1} merge commits after ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      });
      log(`  (at-scale: ${w.mergeCommits} merge commits in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

      // Two commits `diffKeys` keys apart.
      await store.createReference('wide', 'BRANCH', main);
      diffFrom = main;
      let wide = main;
      for (let i = 0; i < w.diffKeys; i += 1000) {
        const ops = Array.from({ length: Math.min(1000, w.diffKeys - i) }, (_, j) => put(`d${i + j}`, 1));
        wide = (await store.commit('wide', wide, { message: 'wide' }, ops)).hash;
      }
      diffTo = wide;
      // One commit that brings all of them: `wide` merged into a branch of its own, for the revert below.
      await store.createReference('undo', 'BRANCH', diffFrom);
      const merged = await store.merge({
        fromRefName: 'wide',
        fromHash: wide,
        toBranch: 'undo',
        meta: { message: 'wide' },
      });
      if (!merged.wasApplied) throw new Error('the fixture merge of wide was not applied');
      wideMerge = merged.resultantTargetHash;

      const t1 = performance.now();
      await batched(store, w.tags, (i) => store.createReference(`v${i}`, 'TAG', main));
      log(`  (at-scale: ${w.tags} tags in ${((performance.now() - t1) / 1000).toFixed(1)} s)`);
      store.db.pragma('synchronous = FULL');
    } finally {
      await store.close();
    }

    // Measured on a freshly opened store: its first call reads from the database, later ones from its caches.
    const cold = await SqliteVersionStore.open(path.join(dataDir, 'catalog.db'));
    try {
      await firstAndWarm('store', `list references, ${w.tags} tags`, async () => {
        if ((await cold.listReferences()).length < w.tags) throw new Error('tags missing');
      });
      await firstAndWarm('store', `list references in pages of 10000, ${w.tags} tags`, async () => {
        let n = 0;
        let token: string | undefined;
        do {
          const page = await cold.listReferencesPage({ maxRecords: 10_000, pageToken: token });
          n += page.items.length;
          token = page.token;
        } while (token);
        if (n < w.tags) throw new Error(`listed ${n} references, expected at least ${w.tags}`);
      });
      await firstAndWarm('store', `merge base across ${w.mergeCommits} merge commits`, async () => {
        if ((await cold.mergeBase(forkHead, main)) === null) throw new Error('no merge base');
      });
      await firstAndWarm('store', `diff of ${w.diffKeys} keys`, async () => {
        let n = 0;
        let token: string | undefined;
        do {
          const page = await cold.diff(diffFrom, diffTo, { maxRecords: 1000, pageToken: token });
          n += page.items.length;
          token = page.token;
        } while (token);
        if (n !== w.diffKeys) throw new Error(`diff has ${n} entries, expected ${w.diffKeys}`);
      });
    } finally {
      await cold.close();
    }

    const ours = await startOurs({ dataDir });
    const api = new NessieApi(`${ours.url}/api/v2`);
    try {
      await firstAndWarm('http', `list references, ${w.tags} tags`, async () => {
        let n = 0;
        let token: string | undefined;
        do {
          const q = `?max-records=10000${token ? `&page-token=${encodeURIComponent(token)}` : ''}`;
          const r = await api.client.json('GET', `/trees${q}`);
          n += (r.references as unknown[]).length;
          token = r.hasMore ? r.token : undefined;
        } while (token);
        if (n < w.tags) throw new Error(`listed ${n} references, expected at least ${w.tags}`);
      });
      // What a user listing branches waits for: the first page (the default 250: every branch, then tags).
      await firstAndWarm('http', `first page of references, ${w.tags} tags`, async () => {
        const r = await api.client.json('GET', '/trees');
        if ((r.references as unknown[]).length !== 250 || !r.hasMore) throw new Error('expected a full first page');
      });
      // What a team's dashboard (Nessie's web UI among them) asks: the branches only, each with its HEAD's commit and
      // how far it is ahead of and behind main, while the tags beside them are many.
      await firstAndWarm('http', `branches with ahead/behind (fetch=ALL, refType filter), ${w.tags} tags`, async () => {
        const r = await api.client.json('GET', `/trees?fetch=ALL&filter=${encodeURIComponent("refType == 'BRANCH'")}`);
        const branches = r.references as Array<{ name: string; metadata?: { commitMetaOfHEAD: unknown } }>;
        if (branches.length < 2 || r.hasMore) throw new Error('expected every branch on one page');
        // Counts are null for a branch that parted more than 10,000 commits ago (the full lane's fork): the HEAD is
        // still described.
        if (!branches.every((b) => b.metadata?.commitMetaOfHEAD)) throw new Error('expected every branch described');
      });
      await firstAndWarm('http', `first page of references with metadata (fetch=ALL), ${w.tags} tags`, async () => {
        const r = await api.client.json('GET', '/trees?fetch=ALL');
        if ((r.references as unknown[]).length !== 250 || !r.hasMore) throw new Error('expected a full first page');
      });
      // The merge (merge base, diff, resolution) as a dry run, so that it can be repeated.
      await firstAndWarm('http', `merge across ${w.mergeCommits} merge commits`, async () => {
        const r = await api.client.json('POST', `/trees/${encodeURIComponent(`main@${main}`)}/history/merge`, {
          fromRefName: 'fork',
          fromHash: forkHead,
          dryRun: true,
        });
        if (!r.wasSuccessful) throw new Error('the merge would not succeed');
      });
      await firstAndWarm('http', `diff of ${w.diffKeys} keys`, async () => {
        const n = await api.diffAll(`main@${diffFrom}`, `wide@${diffTo}`);
        if (n !== w.diffKeys) throw new Error(`diff has ${n} entries, expected ${w.diffKeys}`);
      });
      // Undoing that merge (its diff, the branch's content at every key, the plan) as a dry run, so it repeats.
      await firstAndWarm('http', `revert of a ${w.diffKeys}-key merge`, async () => {
        const r = await api.client.json('POST', `/trees/${encodeURIComponent(`undo@${wideMerge}`)}/history/revert`, {
          hash: wideMerge,
          dryRun: true,
        });
        if (r.operations.length !== w.diffKeys) throw new Error(`the revert plans ${r.operations.length} operations`);
      });
    } finally {
      api.close();
      await ours.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  await runCatalogListing(lane, w, rec);
  await runCommitHistory(lane, w, rec);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rec = new Recorder();
  await runAtScaleLane(process.argv.includes('--quick') ? QUICK_AT_SCALE : FULL_AT_SCALE, rec);
  for (const f of rec.figures)
    console.log(`${f.name.padEnd(48)} ${f.system.padEnd(6)} ${f.value.toFixed(2)} ${f.unit}`);
  process.exit(0);
}
