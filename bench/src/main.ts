/**
 * `npm run bench` (full, < 10 min) and `npm run bench -- --quick` (< 2 min).
 *
 * Lanes, each printed as a table with ratios measured in the same run:
 *  - floor: the SQLite+fsync commit floor and the loopback HTTP floor (an empty express handler);
 *  - loadfloor: loadTable (file and S3 warehouse) against the empty-handler floor, interleaved request by request;
 *  - iceberg: Iceberg REST workload against ours (file and S3 warehouse), Nessie 0.99 (RocksDB and in memory, S3
 *    warehouse) and Apache Iceberg's reference REST server (JDBC on a SQLite file);
 *  - api-v2: the Nessie v2 management API against ours and Nessie;
 *  - scale: versioning at scale on the store and over HTTP;
 *  - atscale: listing refs next to 100,000 tags, merge base across 10,000 merge commits, a 10,000-key diff;
 *  - merge: content-aware merge of 100 tables both branches appended to, beside the plain merge;
 *  - group: catalog commits on the SQLite store with 1/4/16 writers, one transaction per commit vs group commit;
 *  - replicas: commits/s and loadTable p50 on SQLite, on PostgreSQL, and on three replicas sharing one PostgreSQL;
 *  - engine: the engine against DuckDB alone on the same work (`bench/src/engine-*.ts`).
 * A lane whose external server cannot start is reported as skipped with the reason. Writes every figure with the
 * machine and versions to `bench/results/<time>-<mode>.json`.
 *
 * Flags: `--quick`, `--only=floor,loadfloor,iceberg,api,scale,atscale,planning,merge,group,replicas,engine`,
 * `--systems=ours,ours-auth,ours-s3,reference,nessie-rocksdb,nessie-mem`,
 * `--profile` (CPU-profile our file-warehouse server during its Iceberg + api-v2 workload and print where the time
 * goes), `--perf` (the same with Linux `perf`: every thread, the kernel by system call: `perf-profile.ts`),
 * `--fsync-latency-ms=N` (the whole run again under strace, every fsync N ms slower: `disk-latency.ts`).
 */
import os from 'node:os';
import path from 'node:path';
import { emulatedFsyncLatencyMs, rerunWithFsyncLatency } from './disk-latency.ts';
import type { BenchOptions, LaneContext } from './lane-context.ts';
import { runLanes } from './lanes.ts';
import { machine } from './machine.ts';
import { RATIO_PAIRS, Recorder, log } from './report.ts';
import { writeResults } from './results-file.ts';
import { printPerf, printProfile, summarize } from './summary.ts';

function parseArgs(argv: string[]): BenchOptions {
  const only = argv.find((a) => a.startsWith('--only='));
  const systems = argv.find((a) => a.startsWith('--systems='));
  return {
    quick: argv.includes('--quick'),
    only: only ? new Set(only.slice('--only='.length).split(',')) : null,
    systems: systems ? new Set(systems.slice('--systems='.length).split(',')) : null,
    profile: argv.includes('--profile'),
    perf: argv.includes('--perf'),
    fsyncLatencyMs: emulatedFsyncLatencyMs(),
  };
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const latency = argv.find((a) => a.startsWith('--fsync-latency-ms='));
  if (latency && emulatedFsyncLatencyMs() === undefined) {
    rerunWithFsyncLatency(Number(latency.slice('--fsync-latency-ms='.length)), argv);
  }
  const opts = parseArgs(argv);
  const started = new Date();
  const t0 = performance.now();
  const rec = new Recorder();
  const info = machine();
  log(
    `bench (${opts.quick ? 'quick' : 'full'}) on ${info.cpus}× ${info.cpuModel}, node ${info.versions.node}, load ${info.loadAvgAtStart.map((x) => x.toFixed(2)).join(' ')}` +
      (opts.fsyncLatencyMs ? `, every fsync ${opts.fsyncLatencyMs} ms slower (emulated)` : ''),
  );
  const ctx: LaneContext = {
    opts,
    rec,
    want: (lane) => !opts.only || opts.only.has(lane),
    wantSystem: (system) => !opts.systems || opts.systems.has(system),
  };

  await runLanes(ctx);

  // ---- output
  rec.printTables(RATIO_PAIRS);
  for (const n of rec.notes) log(`note: ${n}`);
  if (ctx.profile) printProfile(ctx.profile);
  if (ctx.perf) printPerf(ctx.perf);
  const summary = summarize(rec, opts.fsyncLatencyMs);
  const elapsed = (performance.now() - t0) / 1000;
  const outFile = await writeResults({
    quick: opts.quick,
    fsyncLatencyMs: opts.fsyncLatencyMs,
    started,
    elapsedSeconds: elapsed,
    info,
    rec,
    summary,
    profile: ctx.profile,
    perf: ctx.perf,
  });
  log('');
  log(
    `results: ${path.relative(process.cwd(), outFile)} (${elapsed.toFixed(0)} s, load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')})`,
  );
  log(summary.line);
}

await main();
process.exit(0);
