import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import { startServer } from '@ratatouille/catalog-server';
import { compactTables, DuckDbRunner, planScan, scanSql, writeTable } from '@ratatouille/engine';
import type { Fig } from './engine-throughput.ts';
import { median } from './measure.ts';

/** Scans timed per side (an odd count: each median is one scan's time). */
const REPS = 5;

/**
 * What `rat compact` buys a table that incremental runs left in small files: the table gets `appends` writes of
 * `rows` rows each (one file and one manifest per write, as an hourly run leaves), then a read (the table loaded, its
 * scan planned from its manifests and an aggregate over every row, with the engine's own scan, as a model reading
 * the table does) is timed before and after `compactTables`, and the compaction itself. Reported: both scans' medians, their ratio (below 1: faster after), and the compaction's time.
 *
 * @example tsx -e "import('./bench/src/engine-compaction.ts').then((m) => m.benchCompaction({ quick: true }))"
 */
export async function benchCompaction(o: { quick?: boolean; log?: (s: string) => void } = {}): Promise<Fig[]> {
  const log = o.log ?? console.log;
  const appends = o.quick ? 200 : 1_000;
  const rows = o.quick ? 1_000 : 5_000;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-compaction-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: dir, logLevel: 'warn' });
  const sql = await DuckDbRunner.open();
  try {
    const catalog = new IcebergRestClient({ server: server.url, ref: 'main' });
    const table = { namespace: ['bench'], name: 'events' };
    for (let i = 0; i < appends; i++) {
      const from = i * rows;
      await writeTable(
        sql,
        catalog,
        table,
        `SELECT i AS id, 'kind-' || (i % 97) AS kind, i * 0.5 AS amount FROM range(${from}, ${from + rows}) t(i)`,
        { mode: 'append' },
      );
    }
    // A reader's whole read: the table's metadata, its manifests (one per write before compaction), the files.
    const scan = async () => {
      const times: number[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        const t = performance.now();
        const q = await scanSql(sql, await planScan((await catalog.loadTable(table)).metadata));
        const [r] = await sql.query(`SELECT count(*) AS n, sum(amount) AS s FROM (${q})`);
        times.push(performance.now() - t);
        if (Number(r!['n']) !== appends * rows) throw new Error(`scanned ${String(r!['n'])} rows`);
      }
      return median(times);
    };
    const before = await scan();
    const t = performance.now();
    const [c] = await compactTables({ server: server.url, branch: 'main', tables: ['bench.events'] });
    const compactMs = performance.now() - t;
    if (c?.status !== 'compacted' || c.filesRewritten !== appends) {
      throw new Error(`compaction ${c?.status}: ${c?.filesRewritten} files rewritten, expected ${appends}`);
    }
    const after = await scan();
    const label = `${appends.toLocaleString('en-US')} files of ${rows.toLocaleString('en-US')} rows`;
    log(
      `  compaction, ${label}: read ${before.toFixed(0)} → ${after.toFixed(0)} ms, compaction ${compactMs.toFixed(0)} ms`,
    );
    return [
      {
        name: `read before compaction, ${label}`,
        system: 'ours',
        value: Math.round(before),
        unit: 'ms',
        better: 'lower',
      },
      {
        name: `read after compaction, ${label}`,
        system: 'ours',
        value: Math.round(after),
        unit: 'ms',
        better: 'lower',
      },
      {
        name: `read after ÷ before compaction, ${label}`,
        system: 'ours',
        value: Number((after / before).toFixed(3)),
        unit: 'x',
        better: 'lower',
      },
      { name: `compaction, ${label}`, system: 'ours', value: Math.round(compactMs), unit: 'ms', better: 'lower' },
    ];
  } finally {
    await sql.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
