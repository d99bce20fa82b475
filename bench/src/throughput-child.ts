/**
 * One timed side of the engine benchmark, in its own process so that its peak RSS is its own: DuckDB alone or the
 * engine (against the catalog server the parent runs), ingest or silver transform. Prints one JSON line
 * `{ seconds, rows, peakRssMb, phases? }`. Called by engine-throughput.ts; not a lane of its own.
 *
 * @example tsx bench/src/throughput-child.ts '{"side":"duckdb","step":"ingest","dir":"/tmp/x","memoryLimit":"1GB"}'
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  catalogFor,
  compileSql,
  DuckDbRunner,
  ingest,
  refreshView,
  transform,
  type SqlRunner,
} from '@ratatouille/engine';
import { PhaseTimer, type Phase } from './phase-timing.ts';

export interface ChildTask {
  /** `duckdb` writes what the engine writes (the input's columns and the three lineage columns); `duckdb-plain`
   * copies the input's columns only (ingest). */
  side: 'duckdb' | 'duckdb-plain' | 'engine';
  step: 'ingest' | 'silver';
  /** Folder with `landing/*.parquet`; DuckDB's outputs and spill files go here too. */
  dir: string;
  /** The silver SELECT with `$FROM` where its input goes. */
  silverSql: string;
  memoryLimit?: string;
  /** Catalog URL (engine side). */
  server?: string;
  /** Repetition number: each repetition writes tables and files of its own. */
  rep?: number;
  /** Engine side: time its SQL statements and catalog calls (see phase-timing.ts). */
  phases?: boolean;
}

export interface ChildResult {
  seconds: number;
  rows: number;
  peakRssMb: number;
  /** With `phases`: where the engine's time went, biggest first. */
  phases?: Phase[];
}

const task = JSON.parse(process.argv[2] ?? '{}') as ChildTask;
const sql = await DuckDbRunner.open({
  ...(task.memoryLimit ? { memoryLimit: task.memoryLimit } : {}),
  tempDirectory: path.join(task.dir, `spill-${task.side}-${task.step}`),
});
const landing = path.join(task.dir, 'landing', '*.parquet');
let seconds: number;
let rows: number;
let phases: Phase[] | undefined;
const rep = task.rep ?? 0;
if (task.side !== 'engine') {
  const copy = path.join(task.dir, `copy-${rep}.parquet`);
  // The engine's bronze rows: each input row with the file it came from (relative to the project, as the registry
  // names it), the ingest time and the run id. Per-file constants are DuckDB's fastest way to add them.
  const lineage = readdirSync(path.join(task.dir, 'landing'))
    .filter((f) => f.endsWith('.parquet'))
    .sort()
    .map(
      (f) =>
        `SELECT *, 'landing/${f}' AS _source_file, TIMESTAMP '${new Date().toISOString().replace('T', ' ').replace('Z', '')}' AS _ingested_at, 'bench-${Date.now()}' AS _run_id FROM read_parquet('${path.join(task.dir, 'landing', f)}')`,
    )
    .join(' UNION ALL ');
  const q =
    task.step === 'silver'
      ? `COPY (${task.silverSql.replace('$FROM', `read_parquet('${copy}')`)}) TO '${path.join(task.dir, `silver-${rep}.parquet`)}' (FORMAT parquet)`
      : task.side === 'duckdb'
        ? `COPY (${lineage}) TO '${copy}' (FORMAT parquet)`
        : `COPY (SELECT * FROM read_parquet('${landing}')) TO '${path.join(task.dir, `plain-${rep}.parquet`)}' (FORMAT parquet)`;
  const t = performance.now();
  const [r] = await sql.query(q);
  seconds = (performance.now() - t) / 1000;
  rows = Number(r?.Count ?? 0);
} else {
  // The steps of the engine's API (`openEngine`), called directly so that `phases` can time what they run.
  const timer = task.phases ? new PhaseTimer() : undefined;
  const client = catalogFor(task.server!, 'main');
  const catalog = timer ? timer.catalog(client) : client;
  const runner: SqlRunner = timer ? timer.sql(sql) : sql;
  const ingestOpts = { parser: 'parquet', baseDir: task.dir } as const;
  // Warm-up: the first call of a process pays for loading code and the first catalog requests (once per `rat run`,
  // whatever the data size); DuckDB's side has no such cost to pay.
  await sql.exec(
    `COPY (SELECT 1 AS x) TO '${path.join(task.dir, `warm-${task.step}-${rep}.parquet`)}' (FORMAT parquet)`,
  );
  await ingest(sql, client, `warm-${task.step}-${rep}.parquet`, `warmup.${task.step}_${rep}`, ingestOpts);
  const t = performance.now();
  if (task.step === 'ingest') {
    const r = await ingest(runner, catalog, 'landing/*.parquet', `bronze.orders_${rep}`, ingestOpts);
    rows = r.rows;
  } else {
    await refreshView(runner, catalog, `bronze.orders_${rep}`);
    const w = await transform(runner, catalog, {
      sql: compileSql(task.silverSql.replace('$FROM', `{{ ref('bronze.orders_${rep}') }}`), `silver.orders_${rep}`),
      target: `silver.orders_${rep}`,
      materialized: 'table',
    });
    rows = w?.addedRows ?? 0;
  }
  const ms = performance.now() - t;
  seconds = ms / 1000;
  phases = timer?.summary(ms);
}
await sql.close();
const result: ChildResult = { seconds, rows, peakRssMb: process.resourceUsage().maxRSS / 1024, phases };
console.log(JSON.stringify(result));
