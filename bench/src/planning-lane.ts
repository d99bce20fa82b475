import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeManifest, FileContent, toSingleValue, type DataFile } from '@ratatouille/iceberg';
import { appendCommit, newTableState } from '../../test/support/iceberg-appends.ts';
import { BenchClient } from './http.ts';
import { summarize } from './measure.ts';
import type { Recorder } from './report.ts';
import { startOurs } from './servers.ts';

export interface PlanningWorkload {
  manifests: number;
  filesPerManifest: number;
  /** Timed scans of each kind, after one untimed (cold) one. */
  runs: number;
}

export const FULL_PLANNING: PlanningWorkload = { manifests: 100, filesPerManifest: 1000, runs: 5 };
export const QUICK_PLANNING: PlanningWorkload = { manifests: 20, filesPerManifest: 1000, runs: 3 };

const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: false, type: 'long' },
    { id: 2, name: 'name', required: false, type: 'string' },
  ],
};

/**
 * Server-side scan planning (`POST …/plan`, then every plan task from `POST …/tasks` at once, as Java's client
 * fetches them) on a file-warehouse table of `manifests` × `filesPerManifest` data files (bounds on both columns;
 * the data files themselves are never read), against its floor measured in the same run: this process reading and
 * decoding the same manifests, the least a planner with this Avro decoder pays. Two scans: every file, and a filter
 * matching one file (every manifest is still read: the table is unpartitioned). The first scan of each kind is
 * reported apart (nothing decoded is kept yet).
 */
export async function runPlanningLane(w: PlanningWorkload, rec: Recorder): Promise<void> {
  for (const server of SERVERS) await planOn(server, w, rec);
}

/**
 * Our server with its default manifest cache (an eighth of its heap limit), and with the 64 MB it had before that was
 * the default: a table whose manifests do not all fit decodes them on every scan.
 */
const SERVERS = [
  { system: 'ours', args: [] as string[], floor: true },
  { system: 'ours, 64 MB manifest cache', args: ['--manifest-cache-mb', '64'], floor: false },
];

async function planOn(server: (typeof SERVERS)[number], w: PlanningWorkload, rec: Recorder): Promise<void> {
  const ours = await startOurs({ args: server.args });
  try {
    const client = new BenchClient(`${ours.url}/iceberg/main/v1`);
    const ns = `plan${Date.now().toString(36)}`;
    await client.json('POST', '/namespaces', { namespace: [ns] });
    const created = await client.json('POST', `/namespaces/${ns}/tables`, { name: 't', schema: SCHEMA });
    const table = `/namespaces/${ns}/tables/t`;
    // One append per manifest: the last snapshot lists them all.
    let state = newTableState(created.metadata.location as string);
    for (let m = 0; m < w.manifests; m++) {
      const { body, next } = appendCommit(state, { files: manifestFiles(state.location, m, w), schema: SCHEMA });
      await client.json('POST', table, body);
      state = next;
    }
    const manifests = state.manifests;

    const scan = async (body: unknown) => {
      const plan = await client.json('POST', `${table}/plan`, body);
      let files = 0;
      await Promise.all(
        ((plan['plan-tasks'] ?? []) as string[]).map(async (t) => {
          const r = await client.json('POST', `${table}/tasks`, { 'plan-task': t });
          files += (r['file-scan-tasks'] as unknown[]).length;
        }),
      );
      return files;
    };
    const total = w.manifests * w.filesPerManifest;
    const size = `${w.manifests} manifests × ${w.filesPerManifest} files`;
    for (const [label, body, expected] of [
      ['every file', {}, total],
      ['one-file filter', { filter: { type: 'eq', term: 'id', value: 12_345 } }, 1],
    ] as const) {
      const cold = performance.now();
      const files = await scan(body);
      if (files !== expected) throw new Error(`${label}: ${files} files planned, ${expected} expected`);
      rec.add({
        lane: 'planning',
        name: `${label}, first scan (${size})`,
        system: server.system,
        value: performance.now() - cold,
        unit: 'ms',
        better: 'lower',
      });
      const samples: number[] = [];
      for (let i = 0; i < w.runs; i++) {
        const t = performance.now();
        await scan(body);
        samples.push(performance.now() - t);
      }
      const s = summarize(samples);
      rec.add({
        lane: 'planning',
        name: `${label} (${size})`,
        system: server.system,
        value: s.p50,
        unit: 'ms',
        better: 'lower',
        detail: { runs: samples.map((x) => x.toFixed(0)).join(' / ') },
      });
    }
    const rss = ours.peakRssMb();
    if (rss !== undefined) {
      rec.add({
        lane: 'planning',
        name: 'server peak RSS',
        system: server.system,
        value: rss,
        unit: 'MB',
        better: 'lower',
      });
    }
    if (!server.floor) return;
    const decode = summarize(
      Array.from({ length: w.runs }, () => {
        const t = performance.now();
        for (const m of manifests) decodeManifest(readFileSync(fileURLToPath(m.manifestPath)));
        return performance.now() - t;
      }),
    );
    rec.add({
      lane: 'planning',
      name: `reading and decoding the manifests alone (${size})`,
      system: 'floor',
      value: decode.p50,
      unit: 'ms',
      better: 'lower',
    });
  } finally {
    await ours.stop();
  }
}

/** The data files of manifest `m` of the table: ids `[100·k, 100·k + 99]` for its `k`-th file, names a to z. */
function manifestFiles(location: string, m: number, w: PlanningWorkload): DataFile[] {
  return Array.from({ length: w.filesPerManifest }, (_, f) => {
    const lo = BigInt((m * w.filesPerManifest + f) * 100);
    const both = <V>(a: V, b: V) =>
      new Map([
        [1, a],
        [2, b],
      ]);
    return {
      content: FileContent.DATA,
      filePath: `${location}/data/${randomUUID()}.parquet`,
      fileFormat: 'PARQUET',
      partition: {},
      recordCount: 100,
      fileSizeInBytes: 4000,
      valueCounts: both(100, 100),
      nullValueCounts: both(0, 0),
      lowerBounds: both(toSingleValue('long', lo), toSingleValue('string', 'aaa')),
      upperBounds: both(toSingleValue('long', lo + 99n), toSingleValue('string', 'zzz')),
    };
  });
}
