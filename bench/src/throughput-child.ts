/**
 * One timed side of the engine benchmark, in its own process so that its peak RSS is its own: DuckDB alone or the
 * engine (against the catalog server the parent runs), ingest or silver transform. Prints one JSON line
 * `{ seconds, rows, peakRssMb }`. Called by engine-throughput.ts; not a lane of its own.
 *
 * @example tsx bench/src/throughput-child.ts '{"side":"duckdb","step":"ingest","dir":"/tmp/x","memoryLimit":"1GB"}'
 */
import path from 'node:path';
import { DuckDbRunner, openEngine } from '@ratatouille/engine';

export interface ChildTask {
  side: 'duckdb' | 'engine';
  step: 'ingest' | 'silver';
  /** Folder with `landing/*.parquet`; DuckDB's outputs and spill files go here too. */
  dir: string;
  /** The silver SELECT with `$FROM` where its input goes. */
  silverSql: string;
  memoryLimit?: string;
  /** Catalog URL (engine side). */
  server?: string;
}

export interface ChildResult {
  seconds: number;
  rows: number;
  peakRssMb: number;
}

const task = JSON.parse(process.argv[2] ?? '{}') as ChildTask;
const sql = await DuckDbRunner.open({
  ...(task.memoryLimit ? { memoryLimit: task.memoryLimit } : {}),
  tempDirectory: path.join(task.dir, `spill-${task.side}-${task.step}`),
});
const landing = path.join(task.dir, 'landing', '*.parquet');
let seconds: number;
let rows: number;
if (task.side === 'duckdb') {
  const copy = path.join(task.dir, 'copy.parquet');
  const q =
    task.step === 'ingest'
      ? `COPY (SELECT * FROM read_parquet('${landing}')) TO '${copy}' (FORMAT parquet)`
      : `COPY (${task.silverSql.replace('$FROM', `read_parquet('${copy}')`)}) TO '${path.join(task.dir, 'silver.parquet')}' (FORMAT parquet)`;
  const t = performance.now();
  const [r] = await sql.query(q);
  seconds = (performance.now() - t) / 1000;
  rows = Number(r?.Count ?? 0);
} else {
  const eng = await openEngine({ server: task.server!, branch: 'main', sql });
  // Warm-up: the first call of a process pays for loading code and the first catalog requests (once per `rat run`,
  // whatever the data size); DuckDB's side has no such cost to pay.
  await sql.exec(`COPY (SELECT 1 AS x) TO '${path.join(task.dir, `warm-${task.step}.parquet`)}' (FORMAT parquet)`);
  await eng.ingest(`warm-${task.step}.parquet`, `warmup.${task.step}`, { parser: 'parquet', baseDir: task.dir });
  const t = performance.now();
  if (task.step === 'ingest') {
    const r = await eng.ingest('landing/*.parquet', 'bronze.orders', { parser: 'parquet', baseDir: task.dir });
    rows = r.rows;
  } else {
    const w = await eng.transform({
      sql: task.silverSql.replace('$FROM', `{{ ref('bronze.orders') }}`),
      target: 'silver.orders',
      materialized: 'table',
    });
    rows = w?.addedRows ?? 0;
  }
  seconds = (performance.now() - t) / 1000;
  await eng.close();
}
await sql.close();
const result: ChildResult = { seconds, rows, peakRssMb: process.resourceUsage().maxRSS / 1024 };
console.log(JSON.stringify(result));
