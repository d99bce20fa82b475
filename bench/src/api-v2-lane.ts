import { BenchClient } from './http.ts';
import { latencies, timeOnce } from './measure.ts';
import type { Recorder } from './report.ts';

/** A server speaking the Nessie REST v2 shapes at `apiUrl` (`http://…/api/v2`). */
export interface ApiTarget {
  system: string;
  apiUrl: string;
}

export interface ApiWorkload {
  branches: number;
  /** Repetitions of a commit of 1, 100 and 1,000 operations. */
  commitReps: Record<1 | 100 | 1000, number>;
  merges: number;
  logs: number;
  diffs: number;
}

export const FULL_API: ApiWorkload = {
  branches: 200,
  commitReps: { 1: 100, 100: 20, 1000: 5 },
  merges: 30,
  logs: 200,
  diffs: 20,
};
export const QUICK_API: ApiWorkload = {
  branches: 40,
  commitReps: { 1: 30, 100: 5, 1000: 2 },
  merges: 8,
  logs: 50,
  diffs: 5,
};

/** What the versioning lane and this lane both use: a thin client over the v2 management API. */
export class NessieApi {
  readonly client: BenchClient;
  constructor(apiUrl: string) {
    this.client = new BenchClient(apiUrl);
  }

  async head(ref: string): Promise<string> {
    const r = await this.client.json('GET', `/trees/${encodeURIComponent(ref)}`);
    return r.reference.hash as string;
  }

  async createBranch(name: string, fromRef: string, hash: string): Promise<string> {
    const r = await this.client.json('POST', `/trees?name=${encodeURIComponent(name)}&type=BRANCH`, {
      type: 'BRANCH',
      name: fromRef,
      hash,
    });
    return r.reference.hash as string;
  }

  /** Commits `operations` on `branch` expecting head `hash`; returns the new head. */
  async commit(branch: string, hash: string, operations: unknown[], message = 'bench'): Promise<string> {
    const r = await this.client.json('POST', `/trees/${encodeURIComponent(`${branch}@${hash}`)}/history/commit`, {
      commitMeta: { message },
      operations,
    });
    return r.targetBranch.hash as string;
  }

  async merge(target: string, targetHash: string, from: string, fromHash: string): Promise<any> {
    return this.client.json('POST', `/trees/${encodeURIComponent(`${target}@${targetHash}`)}/history/merge`, {
      fromRefName: from,
      fromHash,
      message: `merge ${from}`,
    });
  }

  /** Reads all pages of a diff; returns the number of entries. */
  async diffAll(from: string, to: string): Promise<number> {
    let n = 0;
    let token: string | undefined;
    do {
      const q = `?max-records=1000${token ? `&page-token=${encodeURIComponent(token)}` : ''}`;
      const r = await this.client.json('GET', `/trees/${encodeURIComponent(from)}/diff/${encodeURIComponent(to)}${q}`);
      n += (r.diffs as unknown[]).length;
      token = r.hasMore ? r.token : undefined;
    } while (token);
    return n;
  }

  close(): void {
    this.client.close();
  }
}

export function namespacePut(ns: string) {
  return { type: 'PUT', key: { elements: [ns] }, content: { type: 'NAMESPACE', elements: [ns], properties: {} } };
}

export function tablePut(ns: string, name: string, version = 0) {
  return {
    type: 'PUT',
    key: { elements: [ns, name] },
    content: {
      type: 'ICEBERG_TABLE',
      metadataLocation: `s3://bench/${ns}/${name}/metadata/${String(version).padStart(5, '0')}.metadata.json`,
      snapshotId: version,
      schemaId: 0,
      specId: 0,
      sortOrderId: 0,
    },
  };
}

/**
 * The management-API workload, identical for our server and Nessie: branch create, commits of 1/100/1,000
 * operations, merge of a diverged branch, log page, diff of a 1,000-operation commit.
 */
export async function runApiLane(lane: string, target: ApiTarget, w: ApiWorkload, rec: Recorder): Promise<void> {
  const api = new NessieApi(target.apiUrl);
  const system = target.system;
  const run = `r${Date.now().toString(36)}`;
  const ns = `${run}_api`;
  try {
    let head = await api.head('main');
    head = await api.commit('main', head, [namespacePut(ns)]);
    // Warm-up.
    for (let i = 0; i < 20; i++) head = await api.commit('main', head, [tablePut(ns, `warm${i}`)]);

    const br = await latencies(w.branches, (i) => api.createBranch(`${run}-b${i}`, 'main', head));
    rec.add({
      lane,
      name: 'branch create p50',
      system,
      value: br.p50,
      unit: 'ms',
      better: 'lower',
      detail: { p99ms: br.p99 },
    });

    let before1000 = head;
    let after1000 = head;
    for (const size of [1, 100, 1000] as const) {
      let k = 0;
      const lat = await latencies(w.commitReps[size], async () => {
        const ops = Array.from({ length: size }, () => tablePut(ns, `c${size}_${k++}`));
        const prev = head;
        head = await api.commit('main', head, ops);
        if (size === 1000) [before1000, after1000] = [prev, head];
      });
      rec.add({
        lane,
        name: `commit ${size} ops p50`,
        system,
        value: lat.p50,
        unit: 'ms',
        better: 'lower',
        detail: { p99ms: lat.p99, n: lat.n },
      });
    }

    // Merge: a branch with one new table, main moved on meanwhile (no fast-forward).
    const mergeSamples: number[] = [];
    for (let i = 0; i < w.merges; i++) {
      const b = `${run}-m${i}`;
      let bh = await api.createBranch(b, 'main', head);
      bh = await api.commit(b, bh, [tablePut(ns, `m${i}`)]);
      head = await api.commit('main', head, [tablePut(ns, `mm${i}`)]);
      const t = await timeOnce(() => api.merge('main', head, b, bh));
      mergeSamples.push(t.ms);
      head = await api.head('main');
    }
    mergeSamples.sort((a, b) => a - b);
    rec.add({
      lane,
      name: 'merge p50',
      system,
      value: mergeSamples[Math.floor(mergeSamples.length / 2)],
      unit: 'ms',
      better: 'lower',
    });

    const lg = await latencies(w.logs, () => api.client.json('GET', `/trees/main/history?max-records=100`));
    rec.add({ lane, name: 'log page(100) p50', system, value: lg.p50, unit: 'ms', better: 'lower' });

    let entries = 0;
    const df = await latencies(w.diffs, async () => {
      entries = await api.diffAll(`main@${before1000}`, `main@${after1000}`);
    });
    rec.add({
      lane,
      name: 'diff 1,000 keys p50',
      system,
      value: df.p50,
      unit: 'ms',
      better: 'lower',
      detail: { entries },
    });
  } finally {
    api.close();
  }
}
