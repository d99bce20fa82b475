import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteVersionStore, type Operation } from '@ratatouille/catalog-server';
import { tablePut } from './api-v2-lane.ts';
import { BenchClient } from './http.ts';
import { latencies, summarize, timeOnce } from './measure.ts';
import { log, type Recorder } from './report.ts';
import { startOurs } from './servers.ts';

/** Sizes of the listing part of the at-scale lane. */
export interface CatalogListingWorkload {
  /** Tables in the catalog, spread over ten namespaces (a small one of ten tables besides). */
  catalogTables: number;
  reps: number;
}

const SPREAD = 10;
const SMALL = 'small';

function tableOp(ns: string, name: string, version = 0): Operation {
  return tablePut(ns, name, version) as Operation;
}

function namespaceOp(ns: string): Operation {
  return { type: 'PUT', key: { elements: [ns] }, content: { type: 'NAMESPACE', elements: [ns], properties: {} } };
}

/**
 * Listing a catalog's tables and namespaces through the Iceberg REST API when the catalog is large: what SQL engines
 * and dbt do whenever they introspect a schema. A fresh `rat serve` on a store holding `catalogTables` tables in ten
 * namespaces and ten tables in an eleventh: the small namespace's tables, one large namespace's tables in pages of
 * 1,000, the namespaces, and the small namespace again right after a commit elsewhere in the catalog (a branch in
 * use moves between listings). First call and p50 of the next calls, at least 10 (system `http` of the at-scale
 * lane).
 *
 * @example await runCatalogListing('at-scale', { catalogTables: 10_000, reps: 3 }, rec)
 */
export async function runCatalogListing(lane: string, w: CatalogListingWorkload, rec: Recorder): Promise<void> {
  const system = 'http';
  const fig = (name: string, value: number) => rec.add({ lane, name, system, value, unit: 'ms', better: 'lower' });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-listing-'));
  const perNamespace = Math.ceil(w.catalogTables / SPREAD);
  // Listings take milliseconds: more calls than the lane's slow figures, so that one pause does not make the p50.
  const reps = Math.max(w.reps, 10);
  const n = w.catalogTables.toLocaleString('en-US');
  try {
    const store = await SqliteVersionStore.open(path.join(dataDir, 'catalog.db'));
    try {
      store.db.pragma('synchronous = OFF');
      const t0 = performance.now();
      let head = (await store.getReference('main')).hash;
      const namespaces = [SMALL, ...Array.from({ length: SPREAD }, (_, i) => `ns${i}`)];
      const first = [...namespaces.map(namespaceOp), ...Array.from({ length: 10 }, (_, i) => tableOp(SMALL, `t${i}`))];
      head = (await store.commit('main', head, { message: 'namespaces' }, first)).hash;
      for (let s = 0; s < SPREAD; s++) {
        for (let i = 0; i < perNamespace; i += 2000) {
          const ops = Array.from({ length: Math.min(2000, perNamespace - i) }, (_, j) =>
            tableOp(`ns${s}`, `t${String(i + j).padStart(7, '0')}`),
          );
          head = (await store.commit('main', head, { message: 'tables' }, ops)).hash;
        }
      }
      store.db.pragma('synchronous = FULL');
      log(`  (${lane}: ${n} tables in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    } finally {
      await store.close();
    }

    const ours = await startOurs({ dataDir });
    const client = new BenchClient(`${ours.url}/iceberg/v1`);
    try {
      const tablesOf = async (ns: string, pageSize?: number): Promise<number> => {
        let count = 0;
        let token = '';
        for (;;) {
          const q = [pageSize ? `pageSize=${pageSize}` : '', token ? `pageToken=${encodeURIComponent(token)}` : '']
            .filter(Boolean)
            .join('&');
          const r = await client.json('GET', `/namespaces/${ns}/tables${q ? `?${q}` : ''}`);
          count += (r.identifiers as unknown[]).length;
          if (!r['next-page-token']) return count;
          token = r['next-page-token'];
        }
      };
      const expect = (got: number, wanted: number, what: string) => {
        if (got !== wanted) throw new Error(`${what}: listed ${got}, expected ${wanted}`);
      };
      const measure = async (name: string, fn: () => Promise<void>) => {
        fig(`${name}, first call`, (await timeOnce(fn)).ms);
        fig(`${name} p50`, (await latencies(reps, fn)).p50);
      };
      await measure(`list the tables of a 10-table namespace, ${n} tables in the catalog`, async () =>
        expect(await tablesOf(SMALL), 10, SMALL),
      );
      await measure(`list ${perNamespace.toLocaleString('en-US')} tables of a namespace in pages of 1000`, async () =>
        expect(await tablesOf('ns0', 1000), perNamespace, 'ns0'),
      );
      await measure(`list namespaces, ${n} tables in the catalog`, async () => {
        expect(((await client.json('GET', '/namespaces')) as { namespaces: unknown[] }).namespaces.length, 11, 'ns');
      });
      // A commit between listings (a namespace created elsewhere): each listing is of a tree it has not seen yet.
      const afterCommit: number[] = [];
      for (let i = 0; i <= reps; i++) {
        await client.json('POST', '/namespaces', { namespace: [`extra${i}`], properties: {} });
        const t = performance.now();
        expect(await tablesOf(SMALL), 10, SMALL);
        afterCommit.push(performance.now() - t);
      }
      fig(
        `list the tables of a 10-table namespace right after a commit, ${n} tables in the catalog p50`,
        summarize(afterCommit).p50,
      );
    } finally {
      client.close();
      await ours.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
