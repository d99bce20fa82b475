import { fmt } from './measure.ts';
import type { PerfSummary } from './perf-profile.ts';
import type { ProfileSummary } from './profile.ts';
import { log, type Recorder } from './report.ts';

/** The run's headline ratios, the systems they compared, and the one-line summary printed and saved with them. */
export type BenchSummary = ReturnType<typeof summarize>;

/**
 * The headline ratios of a run from its figures: commits/s and loadTable p50 against Nessie and the reference server,
 * our share of the disk floor, group commit over the floor, the engine over DuckDB (NaN where a lane did not run); a run
 * under `--fsync-latency-ms` says so at the end of the line.
 *
 * @example log(summarize(rec).line)
 */
export function summarize(rec: Recorder, fsyncLatencyMs?: number) {
  const nessieBase =
    rec.get('iceberg', 'loadTable p50', 'nessie-rocksdb') !== undefined ? 'nessie-rocksdb' : 'nessie-mem';
  const oursS3 = rec.get('iceberg', 'loadTable p50', 'ours (s3)') !== undefined ? 'ours (s3)' : 'ours';
  const load = (s: string) => rec.get('iceberg', 'loadTable p50', s);
  const floorRate = rec.get('floor', 'SQLite tx + fsynced metadata file', 'disk floor');
  const ours1 = rec.get('iceberg', 'commits/s 1 table 1w', 'ours');
  const txFloor = rec.get('floor', 'SQLite tx alone', 'disk floor');
  const summary = {
    commitOursOverNessie: commitRatio(rec, oursS3, nessieBase),
    commitOursOverReference: commitRatio(rec, 'ours', 'reference'),
    loadP50NessieOverOurs: (load(nessieBase) ?? NaN) / (load(oursS3) ?? NaN),
    loadP50ReferenceOverOurs: (load('reference') ?? NaN) / (load('ours') ?? NaN),
    floorPct: ours1 !== undefined && floorRate ? (100 * ours1) / floorRate : NaN,
    engineOverDuckdbIngest: engineRatio(rec, 'ingest rows/s'),
    engineOverDuckdbSilver: engineRatio(rec, 'silver rows/s'),
    // Store commits with group commit, 16 writers on `main` each to its own tables of 30, against the bare SQLite
    // transaction + fsync.
    groupCommitOverFloor: (rec.get('group', 'commits/s main, 30 tables 16w', 'group commit') ?? NaN) / (txFloor ?? NaN),
  };
  const line =
    `bench: commit/s ours÷nessie=${fmt(summary.commitOursOverNessie)} ours÷reference=${fmt(summary.commitOursOverReference)}` +
    ` · loadTable p50 nessie÷ours=${fmt(summary.loadP50NessieOverOurs)} reference÷ours=${fmt(summary.loadP50ReferenceOverOurs)}` +
    ` · floor=${fmt(summary.floorPct)}% · group-commit÷floor=${fmt(summary.groupCommitOverFloor)}` +
    ` · engine÷duckdb ingest=${fmt(summary.engineOverDuckdbIngest)} silver=${fmt(summary.engineOverDuckdbSilver)}` +
    (fsyncLatencyMs ? ` · every fsync +${fsyncLatencyMs} ms (emulated)` : '');
  return { ...summary, nessieSystem: nessieBase, oursSystemVsNessie: oursS3, line };
}

/**
 * Prints where our server spent its time during the Iceberg + api-v2 workload (`--profile`).
 *
 * @example if (ctx.profile) printProfile(ctx.profile)
 */
export function printProfile(profile: ProfileSummary): void {
  log('');
  log(`== profile of our server during the Iceberg + api-v2 workload (${fmt(profile.totalMs)} ms sampled)`);
  for (const a of profile.areas.slice(0, 10)) log(`${a.area.padEnd(40)} ${fmt(a.pct)}%`);
  log('top functions (self time):');
  for (const f of profile.functions.slice(0, 12)) log(`  ${fmt(f.pct).padStart(5)}%  ${f.name}`);
}

/**
 * Prints what Linux `perf` recorded of our server during the Iceberg + api-v2 workload (`--perf`): its threads'
 * shares, and where its serving thread was, the kernel included.
 *
 * @example if (ctx.perf) printPerf(ctx.perf)
 */
export function printPerf(perf: PerfSummary): void {
  log('');
  log(`== perf of our server during the Iceberg + api-v2 workload (${perf.samples} samples, every thread)`);
  for (const t of perf.threads) log(`${t.name.padEnd(48)} ${fmt(t.pct)}%`);
  log('the serving thread, by where it was:');
  for (const w of perf.servingThread.slice(0, 14)) log(`  ${fmt(w.pct).padStart(5)}%  ${w.name}`);
  log('the serving thread, by JS function (inclusive):');
  for (const f of perf.jsFunctions) log(`  ${fmt(f.pct).padStart(5)}%  ${f.name}`);
}

/** Engine rows/s over DuckDB's on the same work, from the engine lane's figures (NaN when it did not run). */
function engineRatio(rec: Recorder, name: string): number {
  const of = (prefix: string) =>
    rec.figures.find((f) => f.lane === 'engine' && f.name === name && f.system.startsWith(prefix));
  return (of('engine')?.value ?? NaN) / (of('duckdb')?.value ?? NaN);
}

function geomean(xs: number[]): number {
  const ok = xs.filter((x) => Number.isFinite(x) && x > 0);
  return ok.length ? Math.exp(ok.reduce((s, x) => s + Math.log(x), 0) / ok.length) : NaN;
}

/** Geometric mean over every commit workload of ours÷theirs commits/s. */
function commitRatio(rec: Recorder, ours: string, theirs: string): number {
  const names = [
    ...new Set(rec.figures.filter((f) => f.lane === 'iceberg' && f.name.startsWith('commits/s')).map((f) => f.name)),
  ];
  return geomean(
    names.map((n) => {
      const a = rec.get('iceberg', n, ours);
      const b = rec.get('iceberg', n, theirs);
      return a !== undefined && b !== undefined ? a / b : NaN;
    }),
  );
}
