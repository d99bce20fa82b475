import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IcebergRestClient, ManagementClient } from '@ratatouille/catalog-client';
import { startServer } from '@ratatouille/catalog-server';
import { DuckDbRunner, planScan, scanSql, writeTable } from '@ratatouille/engine';
import type { Fig } from './engine-throughput.ts';
import { median } from './measure.ts';

/** Calls timed per side, alternating (an odd count: each median is one call's time); figures are medians. */
const REPS = 5;

/**
 * The row diff (`GET /api/v2/rat/row-diff`) of a branch that appended rows to a table, beside DuckDB computing the
 * same two multiset differences (`EXCEPT ALL` both ways) over both versions' rows, read with the engine's own scan.
 * The table on `main` holds `base` rows in one write; branch `feature` appends `added` rows. Ours reads only the
 * files that differ (the appended ones); DuckDB, which cannot tell, reads both versions whole, on every core: what a
 * user would run instead. Reported: each side's median time and their ratio (below 1: ours is faster).
 *
 * @example tsx -e "import('./bench/src/engine-row-diff.ts').then((m) => m.benchRowDiff({ quick: true }))"
 */
export async function benchRowDiff(o: { quick?: boolean; log?: (s: string) => void } = {}): Promise<Fig[]> {
  const log = o.log ?? console.log;
  const base = o.quick ? 200_000 : 2_000_000;
  const added = o.quick ? 50_000 : 200_000;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-row-diff-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: dir, logLevel: 'warn' });
  const sql = await DuckDbRunner.open();
  try {
    const main = new IcebergRestClient({ server: server.url, ref: 'main' });
    const table = { namespace: ['bench'], name: 'events' };
    const rows = (from: number, n: number) =>
      `SELECT i AS id, 'kind-' || (i % 97) AS kind, i * 0.5 AS amount FROM range(${from}, ${from + n}) t(i)`;
    await writeTable(sql, main, table, rows(0, base), { mode: 'append' });
    const api = new ManagementClient({ server: server.url });
    await api.createReference('feature', 'BRANCH', await api.getReference('main'));
    const feature = main.withRef('feature');
    await writeTable(sql, feature, table, rows(base, added), { mode: 'append' });

    const [before, after] = [await main.loadTable(table), await feature.loadTable(table)];
    const [fromRows, toRows] = [
      await scanSql(sql, await planScan(before.metadata)),
      await scanSql(sql, await planScan(after.metadata)),
    ];
    const ours: number[] = [];
    const duck: number[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      let t = performance.now();
      const d = await api.rowDiff('main', 'feature', { elements: ['bench', 'events'] }, { limit: 50, keyColumns: [] });
      ours.push(performance.now() - t);
      if (d.counts.added !== added || d.counts.removed !== 0)
        throw new Error(`row diff counted +${d.counts.added} −${d.counts.removed}, expected +${added} −0`);
      t = performance.now();
      const [r] = await sql.query(
        `SELECT (SELECT count(*) FROM (${toRows} EXCEPT ALL ${fromRows})) AS added,
                (SELECT count(*) FROM (${fromRows} EXCEPT ALL ${toRows})) AS removed`,
      );
      duck.push(performance.now() - t);
      if (Number(r!['added']) !== added || Number(r!['removed']) !== 0)
        throw new Error(`DuckDB counted +${String(r!['added'])} −${String(r!['removed'])}, expected +${added} −0`);
    }
    const label = `${added.toLocaleString('en-US')} rows appended to ${base.toLocaleString('en-US')}`;
    const [oursMs, duckMs] = [median(ours), median(duck)];
    log(`  row diff, ${label}: ours ${oursMs.toFixed(0)} ms, DuckDB EXCEPT ALL ${duckMs.toFixed(0)} ms`);
    return [
      { name: `row diff, ${label}`, system: 'ours', value: Math.round(oursMs), unit: 'ms', better: 'lower' },
      {
        name: `row diff, ${label}`,
        system: 'duckdb EXCEPT ALL',
        value: Math.round(duckMs),
        unit: 'ms',
        better: 'lower',
      },
      {
        name: `row diff ÷ DuckDB EXCEPT ALL, ${label}`,
        system: 'ours',
        value: Number((oursMs / duckMs).toFixed(3)),
        unit: 'x',
        better: 'lower',
      },
    ];
  } finally {
    await sql.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
