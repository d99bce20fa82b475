import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { startServer } from '@ratatouille/catalog-server';
import { DuckDbRunner } from '@ratatouille/engine';
import { median } from './measure.ts';
import type { ChildResult, ChildTask } from './throughput-child.ts';

const run = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface Fig {
  name: string;
  system: string;
  value: number;
  unit: string;
  better: 'higher' | 'lower';
}

/** The silver step both sides run: clean, derive and filter every row (a row-wise transform, not an aggregate). */
const SILVER = `SELECT
    order_id,
    upper(trim(country)) AS country,
    CAST(amount_cents AS DECIMAL(18,2)) / 100 AS amount,
    CAST(ordered_at AS DATE) AS order_date,
    status = 'shipped' AS shipped
  FROM $FROM
  WHERE status <> 'cancelled'`;

/** DuckDB's memory budget for both sides: the 100M-row input does not fit in it. */
const MEMORY_LIMIT = '1GB';

async function child(task: ChildTask): Promise<ChildResult> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.join(HERE, 'throughput-child.ts'), JSON.stringify(task)],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
}

/** Prints where each engine step's time went (`--phases`). */
function logPhases(log: (s: string) => void, rows: number, steps: Record<string, ChildResult>): void {
  for (const [step, r] of Object.entries(steps)) {
    log(`  engine ${step} at ${label(rows)}: ${(r.seconds * 1000).toFixed(0)} ms`);
    for (const p of r.phases ?? [])
      log(`    ${p.ms.toFixed(1).padStart(8)} ms ${String(p.calls).padStart(3)}× ${p.phase}`);
  }
}

const label = (rows: number) => (rows >= 1e6 ? `${rows / 1e6}M` : rows.toLocaleString());

/**
 * Engine throughput against DuckDB alone, on a generated bronze input of 1M rows (`quick`) or 10M and 100M rows:
 * Parquet landing files ingested into an Iceberg table through the catalog (ingest), then a silver transform
 * Iceberg → Iceberg. The baseline is DuckDB running the same SQL on the same files directly (`COPY (…) TO parquet`).
 * Each side runs in its own process with the same DuckDB memory budget ({@link MEMORY_LIMIT}), timed after its
 * process is up (the engine's after a warm-up call), and reports its peak RSS; the catalog server runs here.
 * The ingest baseline writes what the engine writes: the input's columns plus the three lineage columns
 * (`_source_file`, `_ingested_at`, `_run_id`); a copy of the input's columns alone is reported beside it. Each side
 * runs `reps` times (3; 1 at 100M rows), alternating, and figures are medians.
 * `sizes` overrides the row counts; `phases` also prints where the engine's time went (SQL statements and catalog
 * calls by kind, the rest in Node).
 *
 * @example tsx bench/src/engine-throughput.ts --quick       # prints the figures
 * @example tsx bench/src/engine-throughput.ts --rows=1000000,10000000 --reps=5 --phases
 */
export async function benchEngine(
  o: { quick?: boolean; log?: (s: string) => void; sizes?: number[]; phases?: boolean; reps?: number } = {},
): Promise<Fig[]> {
  const log = o.log ?? console.log;
  const figs: Fig[] = [];
  for (const rows of o.sizes ?? (o.quick ? [1_000_000] : [10_000_000, 100_000_000])) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-engine-'));
    const landing = path.join(dir, 'landing');
    mkdirSync(landing);
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: path.join(dir, 'server'),
      logLevel: 'warn',
    });
    try {
      const files = rows >= 1e8 ? 20 : 4;
      const per = rows / files;
      const gen = await DuckDbRunner.open();
      try {
        for (let f = 0; f < files; f++) {
          await gen.exec(`COPY (SELECT i AS order_id,
              (['de','fr',' us','jp','br'])[1 + (i % 5)] AS country,
              (i * 7919) % 100000 AS amount_cents,
              TIMESTAMP '2024-01-01' + INTERVAL (i % 86400) SECOND * 30 AS ordered_at,
              (['shipped','pending','cancelled','shipped'])[1 + (i % 4)] AS status
            FROM range(${f * per}, ${(f + 1) * per}) t(i)) TO '${path.join(landing, `part-${f}.parquet`)}' (FORMAT parquet)`);
        }
      } finally {
        await gen.close();
      }
      log(`  engine bench: ${rows.toLocaleString()} rows in ${files} Parquet files, memory limit ${MEMORY_LIMIT}`);
      const task = { dir, silverSql: SILVER, memoryLimit: MEMORY_LIMIT, server: server.url, phases: o.phases };
      // The machine may be shared: each side runs `reps` times, alternating, and figures are medians; a ratio is
      // the median of the per-repetition ratios (each from two runs seconds apart).
      const reps = o.reps ?? (rows >= 1e8 ? 1 : 3);
      const runs: Record<'duckIngest' | 'plainIngest' | 'engIngest' | 'duckSilver' | 'engSilver', ChildResult[]> = {
        duckIngest: [],
        plainIngest: [],
        engIngest: [],
        duckSilver: [],
        engSilver: [],
      };
      for (let rep = 0; rep < reps; rep++) {
        runs.duckIngest.push(await child({ ...task, rep, side: 'duckdb', step: 'ingest' }));
        runs.engIngest.push(await child({ ...task, rep, side: 'engine', step: 'ingest' }));
        runs.plainIngest.push(await child({ ...task, rep, side: 'duckdb-plain', step: 'ingest' }));
        runs.duckSilver.push(await child({ ...task, rep, side: 'duckdb', step: 'silver' }));
        runs.engSilver.push(await child({ ...task, rep, side: 'engine', step: 'silver' }));
        if (runs.engIngest[rep]!.rows !== rows)
          throw new Error(`ingested ${runs.engIngest[rep]!.rows} rows, expected ${rows}`);
        if (runs.engSilver[rep]!.rows !== runs.duckSilver[rep]!.rows)
          throw new Error(`silver wrote ${runs.engSilver[rep]!.rows} rows, DuckDB ${runs.duckSilver[rep]!.rows}`);
        if (o.phases) logPhases(log, rows, { ingest: runs.engIngest[rep]!, silver: runs.engSilver[rep]! });
      }
      const secs = (k: keyof typeof runs) => median(runs[k].map((r) => r.seconds));
      const rss = (k: keyof typeof runs) => Math.max(...runs[k].map((r) => r.peakRssMb));
      const ratios = (duck: keyof typeof runs, eng: keyof typeof runs) =>
        runs[duck].map((d, i) => d.seconds / runs[eng][i]!.seconds);
      const size = o.quick || rows === 10_000_000 ? '' : ` (${label(rows)})`;
      const add = (name: string, system: string, value: number, unit: string, better: Fig['better']) =>
        figs.push({ name: `${name}${size}`, system, value, unit, better });
      add('ingest rows/s', 'engine (Iceberg via catalog)', rows / secs('engIngest'), 'rows/s', 'higher');
      add('ingest rows/s', 'duckdb (Parquet → Parquet, same columns)', rows / secs('duckIngest'), 'rows/s', 'higher');
      add(
        'ingest rows/s, input columns only',
        'duckdb (Parquet → Parquet)',
        rows / secs('plainIngest'),
        'rows/s',
        'higher',
      );
      add('silver rows/s', 'engine (Iceberg → Iceberg)', rows / secs('engSilver'), 'rows/s', 'higher');
      add('silver rows/s', 'duckdb (Parquet → Parquet)', rows / secs('duckSilver'), 'rows/s', 'higher');
      add('ingest peak RSS', 'engine (Iceberg via catalog)', rss('engIngest'), 'MB', 'lower');
      add('ingest peak RSS', 'duckdb (Parquet → Parquet)', rss('duckIngest'), 'MB', 'lower');
      add('silver peak RSS', 'engine (Iceberg → Iceberg)', rss('engSilver'), 'MB', 'lower');
      add('silver peak RSS', 'duckdb (Parquet → Parquet)', rss('duckSilver'), 'MB', 'lower');
      const spread = (r: number[]) =>
        `${median(r).toFixed(2)}×${r.length > 1 ? ` (${r.map((x) => x.toFixed(2)).join('/')})` : ''}`;
      log(
        `  engine/duckdb at ${label(rows)}, median of ${reps}: ingest ${spread(ratios('duckIngest', 'engIngest'))}, silver ${spread(
          ratios('duckSilver', 'engSilver'),
        )}; against a copy of the input's columns only, ingest ${spread(ratios('plainIngest', 'engIngest'))}` +
          ` (1.0 = as fast as DuckDB alone); peak RSS engine ${rss('engIngest').toFixed(0)}/${rss('engSilver').toFixed(0)} MB,` +
          ` duckdb ${rss('duckIngest').toFixed(0)}/${rss('duckSilver').toFixed(0)} MB (ingest/silver)`,
      );
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return figs;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const phases = process.argv.includes('--phases');
  const rowsArg = process.argv.find((a) => a.startsWith('--rows='));
  const sizes = rowsArg ? rowsArg.slice('--rows='.length).split(',').map(Number) : undefined;
  const repsArg = process.argv.find((a) => a.startsWith('--reps='));
  const reps = repsArg ? Number(repsArg.slice('--reps='.length)) : undefined;
  for (const f of await benchEngine({ quick, phases, ...(sizes ? { sizes } : {}), ...(reps ? { reps } : {}) }))
    console.log(`${f.name.padEnd(22)} ${f.system.padEnd(30)} ${Math.round(f.value).toLocaleString()} ${f.unit}`);
}
