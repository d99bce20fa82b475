import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { startServer } from '@ratatouille/catalog-server';
import { DuckDbRunner } from '@ratatouille/engine';
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

const label = (rows: number) => (rows >= 1e6 ? `${rows / 1e6}M` : rows.toLocaleString());

/**
 * Engine throughput against DuckDB alone, on a generated bronze input of 1M rows (`quick`) or 10M and 100M rows:
 * Parquet landing files ingested into an Iceberg table through the catalog (ingest), then a silver transform
 * Iceberg → Iceberg. The baseline is DuckDB running the same SQL on the same files directly (`COPY (…) TO parquet`).
 * Each side runs in its own process with the same DuckDB memory budget ({@link MEMORY_LIMIT}), timed after its
 * process is up (the engine's after a warm-up call), and reports its peak RSS; the catalog server runs here.
 * `sizes` overrides the row counts.
 *
 * @example tsx bench/src/engine-throughput.ts --quick       # prints the figures
 */
export async function benchEngine(
  o: { quick?: boolean; log?: (s: string) => void; sizes?: number[] } = {},
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
      const task = { dir, silverSql: SILVER, memoryLimit: MEMORY_LIMIT, server: server.url };
      const duckIngest = await child({ ...task, side: 'duckdb', step: 'ingest' });
      const engIngest = await child({ ...task, side: 'engine', step: 'ingest' });
      if (engIngest.rows !== rows) throw new Error(`ingested ${engIngest.rows} rows, expected ${rows}`);
      const duckSilver = await child({ ...task, side: 'duckdb', step: 'silver' });
      const engSilver = await child({ ...task, side: 'engine', step: 'silver' });
      if (engSilver.rows !== duckSilver.rows)
        throw new Error(`silver wrote ${engSilver.rows} rows, DuckDB ${duckSilver.rows}`);

      const size = o.quick || rows === 10_000_000 ? '' : ` (${label(rows)})`;
      const add = (name: string, system: string, value: number, unit: string, better: Fig['better']) =>
        figs.push({ name: `${name}${size}`, system, value, unit, better });
      add('ingest rows/s', 'engine (Iceberg via catalog)', rows / engIngest.seconds, 'rows/s', 'higher');
      add('ingest rows/s', 'duckdb (Parquet → Parquet)', rows / duckIngest.seconds, 'rows/s', 'higher');
      add('silver rows/s', 'engine (Iceberg → Iceberg)', rows / engSilver.seconds, 'rows/s', 'higher');
      add('silver rows/s', 'duckdb (Parquet → Parquet)', rows / duckSilver.seconds, 'rows/s', 'higher');
      add('ingest peak RSS', 'engine (Iceberg via catalog)', engIngest.peakRssMb, 'MB', 'lower');
      add('ingest peak RSS', 'duckdb (Parquet → Parquet)', duckIngest.peakRssMb, 'MB', 'lower');
      add('silver peak RSS', 'engine (Iceberg → Iceberg)', engSilver.peakRssMb, 'MB', 'lower');
      add('silver peak RSS', 'duckdb (Parquet → Parquet)', duckSilver.peakRssMb, 'MB', 'lower');
      log(
        `  engine/duckdb at ${label(rows)}: ingest ${(duckIngest.seconds / engIngest.seconds).toFixed(2)}×, silver ${(
          duckSilver.seconds / engSilver.seconds
        ).toFixed(
          2,
        )}× (1.0 = as fast as DuckDB alone); peak RSS engine ${engIngest.peakRssMb.toFixed(0)}/${engSilver.peakRssMb.toFixed(
          0,
        )} MB, duckdb ${duckIngest.peakRssMb.toFixed(0)}/${duckSilver.peakRssMb.toFixed(0)} MB (ingest/silver)`,
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
  for (const f of await benchEngine({ quick }))
    console.log(`${f.name.padEnd(22)} ${f.system.padEnd(30)} ${Math.round(f.value).toLocaleString()} ${f.unit}`);
}
