import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTestPostgres } from '../../test/support/postgres.ts';
import { IcebergRest, type TableState } from './iceberg-lane.ts';
import { latencies, throughput } from './measure.ts';
import type { Recorder } from './report.ts';
import { startOurs, type RunningOurs } from './servers.ts';

export interface ReplicasWorkload {
  /** Commits per run, spread over `tables` tables (each writer owns its tables, so writers never race on one). */
  commits: number;
  writers: number;
  tables: number;
  loads: number;
}

export const FULL_REPLICAS: ReplicasWorkload = { commits: 400, writers: 12, tables: 24, loads: 300 };
export const QUICK_REPLICAS: ReplicasWorkload = { commits: 120, writers: 6, tables: 12, loads: 100 };

/**
 * The catalog database's cost, beside each other: one server on SQLite, one on PostgreSQL, three replicas on one
 * PostgreSQL (writers spread round robin over the replicas, as behind a load balancer). All share one file warehouse,
 * so only the catalog differs. Figures: Iceberg append commits/s across many tables, and loadTable p50.
 */
export async function runReplicasLane(w: ReplicasWorkload, rec: Recorder): Promise<void> {
  const lane = 'replicas';
  const pg = await startTestPostgres();
  try {
    const setups = [
      { system: 'sqlite ×1', replicas: 1, postgres: false },
      { system: 'postgresql ×1', replicas: 1, postgres: true },
      { system: 'postgresql ×3', replicas: 3, postgres: true },
    ];
    for (const setup of setups) {
      const warehouse = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-wh-'));
      const args = ['--warehouse', pathToFileURL(warehouse).href];
      if (setup.postgres) args.push('--store', await pg.createDatabase());
      const servers: RunningOurs[] = [];
      try {
        for (let i = 0; i < setup.replicas; i++) servers.push(await startOurs({ args }));
        const clients = servers.map((s) => new IcebergRest({ system: setup.system, baseUrl: `${s.url}/iceberg` }));
        for (const c of clients) await c.init();
        const [first] = clients;
        await first.createNamespace('bench');
        const tables: TableState[] = [];
        for (let i = 0; i < w.tables; i++) tables.push(await first.createTable('bench', `t${i}`));
        // Warm-up: each replica's JIT and pool.
        for (const [i, c] of clients.entries()) await c.commit(tables[i % tables.length], false);
        for (const t of tables) Object.assign(t, await first.load(t));

        let left = w.commits;
        const next = new Array<number>(w.writers).fill(0);
        const r = await throughput(
          w.writers,
          () => left-- > 0,
          async (writer) => {
            const owned = Math.ceil((tables.length - writer) / w.writers);
            const t = tables[writer + w.writers * (next[writer]++ % owned)];
            return clients[writer % clients.length].commit(t, false);
          },
        );
        rec.add({
          lane,
          name: `commits/s ${w.tables} tables ${w.writers}w`,
          system: setup.system,
          value: r.perSecond,
          unit: 'commit/s',
          better: 'higher',
          detail: { retries: r.retries, p50ms: r.latency.p50, p99ms: r.latency.p99 },
        });
        const loads = await latencies(w.loads, (i) => clients[i % clients.length].client.json('GET', tables[0].path));
        rec.add({
          lane,
          name: 'loadTable p50',
          system: setup.system,
          value: loads.p50,
          unit: 'ms',
          better: 'lower',
          detail: { p99ms: loads.p99 },
        });
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
        rmSync(warehouse, { recursive: true, force: true });
      }
    }
  } finally {
    await pg.stop();
  }
}
