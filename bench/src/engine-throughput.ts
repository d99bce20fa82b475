import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from '@ratatouille/catalog-server';
import { DuckDbRunner, openEngine } from '@ratatouille/engine';

export interface Fig {
  name: string;
  system: string;
  value: number;
  unit: string;
  better: 'higher' | 'lower';
}

/** The silver step both sides run: clean, derive and filter every row (a row-wise transform, not an aggregate). */
const SILVER = (from: string) => `SELECT
    order_id,
    upper(trim(country)) AS country,
    CAST(amount_cents AS DECIMAL(18,2)) / 100 AS amount,
    CAST(ordered_at AS DATE) AS order_date,
    status = 'shipped' AS shipped
  FROM ${from}
  WHERE status <> 'cancelled'`;

/**
 * Engine throughput on a generated bronze input (10M rows; 1M with `quick`): Parquet landing files ingested into
 * an Iceberg table through the catalog (ingest), then a silver transform Iceberg → Iceberg. The baseline is DuckDB
 * running the same SQL on the same Parquet files directly (`COPY (…) TO parquet`), in the same process and run.
 *
 * @example tsx bench/src/engine-throughput.ts        # prints the figures
 */
export async function benchEngine(o: { quick?: boolean; log?: (s: string) => void } = {}): Promise<Fig[]> {
  const log = o.log ?? console.log;
  const rows = o.quick ? 1_000_000 : 10_000_000;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-engine-'));
  const landing = path.join(dir, 'landing');
  mkdirSync(landing);
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: path.join(dir, 'server'), logLevel: 'warn' });
  const sql = await DuckDbRunner.open();
  try {
    const files = 4;
    const per = rows / files;
    for (let f = 0; f < files; f++) {
      await sql.exec(`COPY (SELECT i AS order_id,
          (['de','fr',' us','jp','br'])[1 + (i % 5)] AS country,
          (i * 7919) % 100000 AS amount_cents,
          TIMESTAMP '2024-01-01' + INTERVAL (i % 86400) SECOND * 30 AS ordered_at,
          (['shipped','pending','cancelled','shipped'])[1 + (i % 4)] AS status
        FROM range(${f * per}, ${(f + 1) * per}) t(i)) TO '${path.join(landing, `part-${f}.parquet`)}' (FORMAT parquet)`);
    }
    log(`  engine bench: ${rows.toLocaleString()} rows in ${files} Parquet files`);
    const expected = Number(
      (await sql.query(`SELECT count(*) AS n FROM (${SILVER(`read_parquet('${landing}/*.parquet')`)})`))[0].n,
    );

    // Baseline: DuckDB alone, same SQL, same files.
    let t = performance.now();
    await sql.exec(
      `COPY (SELECT * FROM read_parquet('${landing}/*.parquet')) TO '${path.join(dir, 'copy.parquet')}' (FORMAT parquet)`,
    );
    const duckIngestS = (performance.now() - t) / 1000;
    t = performance.now();
    await sql.exec(
      `COPY (${SILVER(`read_parquet('${path.join(dir, 'copy.parquet')}')`)}) TO '${path.join(dir, 'silver.parquet')}' (FORMAT parquet)`,
    );
    const duckSilverS = (performance.now() - t) / 1000;

    // The engine: ingest through the catalog, then transform Iceberg → Iceberg.
    const eng = await openEngine({ server: server.url, branch: 'main', sql });
    t = performance.now();
    const ing = await eng.ingest('landing/*.parquet', 'bronze.orders', { parser: 'parquet', baseDir: dir });
    const engIngestS = (performance.now() - t) / 1000;
    if (ing.rows !== rows) throw new Error(`ingested ${ing.rows} rows, expected ${rows}`);
    t = performance.now();
    const w = await eng.transform({
      sql: SILVER(`{{ ref('bronze.orders') }}`),
      target: 'silver.orders',
      materialized: 'table',
    });
    const engSilverS = (performance.now() - t) / 1000;
    if (w?.addedRows !== expected) throw new Error(`silver wrote ${w?.addedRows} rows, expected ${expected}`);
    await eng.close();

    const figs: Fig[] = [
      {
        name: 'ingest rows/s',
        system: 'engine (Iceberg via catalog)',
        value: rows / engIngestS,
        unit: 'rows/s',
        better: 'higher',
      },
      {
        name: 'ingest rows/s',
        system: 'duckdb (Parquet → Parquet)',
        value: rows / duckIngestS,
        unit: 'rows/s',
        better: 'higher',
      },
      {
        name: 'silver rows/s',
        system: 'engine (Iceberg → Iceberg)',
        value: rows / engSilverS,
        unit: 'rows/s',
        better: 'higher',
      },
      {
        name: 'silver rows/s',
        system: 'duckdb (Parquet → Parquet)',
        value: rows / duckSilverS,
        unit: 'rows/s',
        better: 'higher',
      },
    ];
    log(
      `  engine/duckdb: ingest ${(duckIngestS / engIngestS).toFixed(2)}×, silver ${(duckSilverS / engSilverS).toFixed(2)}× (1.0 = as fast as DuckDB alone)`,
    );
    return figs;
  } finally {
    await sql.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  for (const f of await benchEngine({ quick }))
    console.log(`${f.name.padEnd(14)} ${f.system.padEnd(30)} ${Math.round(f.value).toLocaleString()} ${f.unit}`);
}
