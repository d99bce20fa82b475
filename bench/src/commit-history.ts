import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IcebergRest } from './iceberg-lane.ts';
import { latencies } from './measure.ts';
import { log, type Recorder } from './report.ts';
import { startOurs } from './servers.ts';

/** Sizes of the commit-history part of the at-scale lane. */
export interface CommitHistoryWorkload {
  /** Snapshots one writer commits to one table. */
  historySnapshots: number;
  /** Cap on the unmeasured commits between the first and the last 100, so a slow server cannot hang the lane. */
  historyMaxMs: number;
  /** loadTable calls on the table at the end. */
  historyLoads: number;
}

/** Commits measured at each end of the history. */
const EDGE = 100;

/**
 * Commit cost against the length of a table's history: every Iceberg commit writes a metadata file that holds the
 * table's whole snapshot log, so a streaming writer (one commit a minute, thousands a day) pays for that history on
 * each commit. One writer appends to one table on a fresh `rat serve` (file warehouse, SQLite) until it holds
 * `historySnapshots` snapshots; the commit p50 over the first and over the last 100 commits, their ratio, loadTable
 * p50 on the long table, the size of its metadata file and the server's peak RSS are recorded (system `http` of the
 * at-scale lane). The commits in between stop at `historyMaxMs`; the last 100 are then measured at the length
 * reached, which the `snapshots reached` row and the row names show.
 *
 * @example await runCommitHistory('at-scale', { historySnapshots: 1000, historyMaxMs: 30_000, historyLoads: 30 }, rec)
 */
export async function runCommitHistory(lane: string, w: CommitHistoryWorkload, rec: Recorder): Promise<void> {
  const system = 'http';
  const ours = await startOurs();
  const cat = new IcebergRest({ system: 'ours', baseUrl: `${ours.url}/iceberg` });
  try {
    await cat.init();
    await cat.createNamespace('history');
    // Warm-up on a table of its own (JIT, connections), so the first 100 measured commits are not the server's first.
    const warm = await cat.createTable('history', 'warm');
    for (let i = 0; i < 30; i++) await cat.commit(warm, false);

    const t = await cat.createTable('history', 'stream');
    const start = performance.now();
    const first = await latencies(EDGE, () => cat.commit(t, false));
    let snapshots = EDGE;
    const until = performance.now() + w.historyMaxMs;
    while (snapshots < w.historySnapshots - EDGE && performance.now() < until) {
      await cat.commit(t, false);
      snapshots++;
      if (snapshots % 1000 === 0)
        log(
          `  (${lane}: ${snapshots} snapshots on one table after ${((performance.now() - start) / 1000).toFixed(1)} s)`,
        );
    }
    const capped = snapshots < w.historySnapshots - EDGE;
    const last = await latencies(EDGE, () => cat.commit(t, false));
    snapshots += EDGE;
    const seconds = (performance.now() - start) / 1000;
    log(`  (${lane}: ${snapshots} snapshots on one table in ${seconds.toFixed(1)} s${capped ? ', capped' : ''})`);
    if (capped)
      rec.notes.push(
        `${lane} · ${system}: commit history capped after ${w.historyMaxMs / 1000} s at ${snapshots} of ` +
          `${w.historySnapshots} snapshots`,
      );

    const n = snapshots.toLocaleString('en-US');
    rec.add({
      lane,
      name: 'snapshots reached by one writer on one table',
      system,
      value: snapshots,
      unit: 'snapshots',
      better: 'higher',
      detail: { target: w.historySnapshots, capped: capped ? 'yes' : 'no', seconds },
    });
    rec.add({
      lane,
      name: `commit p50, snapshots 1–${EDGE}`,
      system,
      value: first.p50,
      unit: 'ms',
      better: 'lower',
      detail: { p99ms: first.p99 },
    });
    rec.add({
      lane,
      name: `commit p50, snapshots ${(snapshots - EDGE + 1).toLocaleString('en-US')}–${n}`,
      system,
      value: last.p50,
      unit: 'ms',
      better: 'lower',
      detail: { p99ms: last.p99 },
    });
    rec.add({
      lane,
      name: `commit p50 at ${n} snapshots ÷ at 0–${EDGE}`,
      system,
      value: last.p50 / first.p50,
      unit: 'x',
      better: 'lower',
    });

    // A full load (no ETag) of the long table, as a reader starting up or a writer refreshing after a conflict. The
    // body is not parsed: on megabytes of metadata the load generator's JSON.parse would be a large part of the time.
    const loads = await latencies(w.historyLoads, async () => {
      const a = await cat.client.send('GET', t.path);
      if (a.status !== 200) throw new Error(`loadTable answered ${a.status}: ${a.text.slice(0, 400)}`);
    });
    rec.add({
      lane,
      name: `loadTable p50, ${n} snapshots`,
      system,
      value: loads.p50,
      unit: 'ms',
      better: 'lower',
      detail: { p99ms: loads.p99 },
    });
    const body = await cat.client.send('GET', t.path);
    const location = String(JSON.parse(body.text)['metadata-location'] ?? '');
    // The metadata file itself when the warehouse is local; otherwise the loadTable body, nearly the same bytes.
    const bytes = location.startsWith('file:') ? statSync(fileURLToPath(location)).size : Buffer.byteLength(body.text);
    rec.add({
      lane,
      name: `metadata file, ${n} snapshots`,
      system,
      value: bytes / 1024,
      unit: 'KB',
      better: 'lower',
      detail: { loadTableBodyKB: Buffer.byteLength(body.text) / 1024 },
    });
    // Each cached version of the table holds its history: what that costs shows here, not in the timings.
    const rss = ours.peakRssMb();
    if (rss !== undefined) {
      rec.add({ lane, name: `server peak RSS, ${n} snapshots`, system, value: rss, unit: 'MB', better: 'lower' });
    }
  } finally {
    cat.client.close();
    await ours.stop();
  }
}
