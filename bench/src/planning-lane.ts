import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  decodeManifest,
  encodeManifest,
  encodeManifestList,
  EntryStatus,
  FileContent,
  stringifyJson,
  toSingleValue,
  type ManifestEntry,
  type ManifestFile,
} from '@ratatouille/iceberg';
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
  const ours = await startOurs();
  try {
    const client = new BenchClient(`${ours.url}/iceberg/main/v1`);
    const ns = `plan${Date.now().toString(36)}`;
    await client.json('POST', '/namespaces', { namespace: [ns] });
    const created = await client.json('POST', `/namespaces/${ns}/tables`, { name: 't', schema: SCHEMA });
    const manifests = writeTable(created.metadata.location as string, w);
    const table = `/namespaces/${ns}/tables/t`;
    // 64-bit snapshot ids: the body is written with the exact JSON writer.
    await client.json('POST', table, stringifyJson(commitBody(manifests)));

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
        system: 'ours',
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
        system: 'ours',
        value: s.p50,
        unit: 'ms',
        better: 'lower',
        detail: { runs: samples.map((x) => x.toFixed(0)).join(' / ') },
      });
    }
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

/** Writes the table's manifests and manifest list next to its metadata; returns the list's entries. */
function writeTable(location: string, w: PlanningWorkload): ManifestFile[] {
  const snapshotId = BigInt(randomInt(1, 2 ** 47));
  const out: ManifestFile[] = [];
  for (let m = 0; m < w.manifests; m++) {
    const entries: ManifestEntry[] = [];
    for (let f = 0; f < w.filesPerManifest; f++) {
      const lo = BigInt((m * w.filesPerManifest + f) * 100);
      entries.push({
        status: EntryStatus.ADDED,
        snapshotId,
        sequenceNumber: null,
        fileSequenceNumber: null,
        dataFile: {
          content: FileContent.DATA,
          filePath: `${location}/data/${randomUUID()}.parquet`,
          fileFormat: 'PARQUET',
          partition: {},
          recordCount: 100,
          fileSizeInBytes: 4000,
          valueCounts: new Map([
            [1, 100],
            [2, 100],
          ]),
          nullValueCounts: new Map([
            [1, 0],
            [2, 0],
          ]),
          lowerBounds: new Map([
            [1, toSingleValue('long', lo)],
            [2, toSingleValue('string', 'aaa')],
          ]),
          upperBounds: new Map([
            [1, toSingleValue('long', lo + 99n)],
            [2, toSingleValue('string', 'zzz')],
          ]),
        },
      });
    }
    const bytes = encodeManifest(entries, {
      schema: SCHEMA,
      partitionSpec: { 'spec-id': 0, fields: [] },
      partitionType: [],
      content: 'data',
    });
    const manifestPath = `${location}/metadata/${randomUUID()}-m${m}.avro`;
    writeFileSync(fileURLToPath(manifestPath), bytes);
    out.push({
      manifestPath,
      manifestLength: bytes.length,
      partitionSpecId: 0,
      content: 0,
      sequenceNumber: 1,
      minSequenceNumber: 1,
      addedSnapshotId: snapshotId,
      addedFilesCount: w.filesPerManifest,
      existingFilesCount: 0,
      deletedFilesCount: 0,
      addedRowsCount: w.filesPerManifest * 100,
      existingRowsCount: 0,
      deletedRowsCount: 0,
    });
  }
  return out;
}

/** The commit adding one snapshot whose manifest list names `manifests`. */
function commitBody(manifests: ManifestFile[]): unknown {
  const snapshotId = manifests[0]!.addedSnapshotId;
  const location = manifests[0]!.manifestPath.replace(/\/metadata\/[^/]+$/, '');
  const listPath = `${location}/metadata/snap-${snapshotId}-1-${randomUUID()}.avro`;
  writeFileSync(
    fileURLToPath(listPath),
    encodeManifestList(manifests, { snapshotId, parentSnapshotId: null, sequenceNumber: 1 }),
  );
  const snapshot = {
    'snapshot-id': snapshotId,
    'sequence-number': 1,
    'timestamp-ms': Date.now(),
    'manifest-list': listPath,
    summary: { operation: 'append' },
    'schema-id': 0,
  };
  return {
    requirements: [],
    updates: [
      { action: 'add-snapshot', snapshot },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId },
    ],
  };
}
