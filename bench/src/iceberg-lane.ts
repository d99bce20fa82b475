import { randomInt } from 'node:crypto';
import { BenchClient } from './http.ts';
import { latencies, throughput, timeOnce } from './measure.ts';
import type { Recorder } from './report.ts';
import type { ServerCpu } from './servers.ts';

/** A catalog reachable through the Iceberg REST API. */
export interface IcebergTarget {
  /** Column name in the tables: `ours`, `nessie-mem`, `reference`, … */
  system: string;
  /** The catalog's base URL, without `/v1`: `http://127.0.0.1:8181/iceberg`. */
  baseUrl: string;
  /** `?warehouse=` for `/v1/config`, when the server needs one (Nessie). */
  warehouse?: string;
  /** Headers for every request (a bearer token for a catalog with auth on). */
  headers?: Record<string, string>;
  /** The server's CPU time so far, where the bench runs it and can read it (our server): commit runs then report it. */
  serverCpu?: () => ServerCpu | undefined;
}

export interface IcebergWorkload {
  /** Commits per run on one table (split across the writers). */
  commitsOneTable: number;
  /** Commits per run across the 100 tables. */
  commitsManyTables: number;
  writers: number[];
  tables: number;
  loads: number;
  namespaces: number;
  lists: number;
  /** Cap on one commit run, for servers too slow to finish the fixed work in reasonable time. */
  maxRunMs: number;
  /** How long every server is driven with commits and loads before anything is measured (see `warmUp`). */
  warmUpMs: number;
}

export const FULL_ICEBERG: IcebergWorkload = {
  commitsOneTable: 150,
  commitsManyTables: 300,
  writers: [1, 4, 16],
  tables: 100,
  loads: 400,
  namespaces: 30,
  lists: 100,
  maxRunMs: 4_000,
  warmUpMs: 10_000,
};

export const QUICK_ICEBERG: IcebergWorkload = {
  commitsOneTable: 40,
  commitsManyTables: 80,
  writers: [1, 4, 16],
  tables: 30,
  loads: 100,
  namespaces: 10,
  lists: 30,
  maxRunMs: 1_500,
  warmUpMs: 3_000,
};

/** Runs of the one-writer, one-table commit workload per system; the median is recorded. */
const ONE_WRITER_RUNS = 3;

const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'payload', required: false, type: 'string' },
  ],
};

/** Per-table client state: what this client believes is the table's current snapshot. */
export interface TableState {
  path: string;
  location: string;
  snapshotId: number | null;
  sequence: number;
}

const ids = new Set<number>();
/** A random positive snapshot id below 2^53, so JSON numbers stay exact in every client. */
function newSnapshotId(): number {
  for (;;) {
    const id = randomInt(1, 2 ** 47) * 31 + randomInt(0, 31);
    if (!ids.has(id)) {
      ids.add(id);
      return id;
    }
  }
}

/**
 * A real Iceberg append commit as a writer sends it: `add-snapshot` + `set-snapshot-ref main`, guarded by
 * `assert-ref-snapshot-id`. The snapshot's manifest list is a path that is never written or read: only the catalog is
 * measured, and no catalog reads the manifest list at commit time.
 */
function commitBody(t: TableState, snapshotId: number) {
  const snapshot: Record<string, unknown> = {
    'snapshot-id': snapshotId,
    'sequence-number': t.sequence + 1,
    'timestamp-ms': Date.now(),
    'manifest-list': `${t.location}/metadata/snap-${snapshotId}-bench.avro`,
    summary: { operation: 'append', 'added-records': '1', 'added-data-files': '1' },
    'schema-id': 0,
  };
  if (t.snapshotId !== null) snapshot['parent-snapshot-id'] = t.snapshotId;
  return {
    requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': t.snapshotId }],
    updates: [
      { action: 'add-snapshot', snapshot },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId },
    ],
  };
}

function stateFrom(path: string, metadata: any): TableState {
  const current = metadata['current-snapshot-id'];
  return {
    path,
    location: metadata.location,
    snapshotId: current === undefined || current === null || current === -1 ? null : Number(current),
    sequence: Number(metadata['last-sequence-number'] ?? 0),
  };
}

/** A minimal Iceberg REST client for the benchmark: namespaces, tables, loads and guarded append commits. */
export class IcebergRest {
  readonly client: BenchClient;
  prefix = '/v1';

  constructor(readonly target: IcebergTarget) {
    this.client = new BenchClient(target.baseUrl, 64, target.headers);
  }

  async init(): Promise<void> {
    const q = this.target.warehouse ? `?warehouse=${encodeURIComponent(this.target.warehouse)}` : '';
    const cfg = await this.client.json('GET', `/v1/config${q}`);
    const prefix = cfg?.overrides?.prefix ?? cfg?.defaults?.prefix;
    // Used as given, as Iceberg clients do (Nessie hands it out already escaped: `main%7Cbench`).
    if (prefix) this.prefix = `/v1/${prefix}`;
  }

  createNamespace(name: string) {
    return this.client.json('POST', `${this.prefix}/namespaces`, { namespace: [name], properties: {} });
  }

  async createTable(ns: string, name: string): Promise<TableState> {
    const r = await this.client.json('POST', `${this.prefix}/namespaces/${ns}/tables`, {
      name,
      schema: SCHEMA,
      'stage-create': false,
      properties: { 'format-version': '2' },
    });
    return stateFrom(`${this.prefix}/namespaces/${ns}/tables/${name}`, r.metadata);
  }

  async load(t: TableState): Promise<TableState> {
    const r = await this.client.json('GET', t.path);
    return stateFrom(t.path, r.metadata);
  }

  /**
   * One successful commit on `t`; on a lost race reloads and retries. Returns the number of retries, or -1 when it
   * lost a race after `giveUpAt` (the run is over; the attempt is not counted).
   */
  async commit(t: TableState, shared: boolean, giveUpAt = Infinity): Promise<number> {
    let state = t;
    for (let retries = 0; ; retries++) {
      const id = newSnapshotId();
      const a = await this.client.send('POST', state.path, commitBody(state, id));
      if (a.status === 200) {
        t.snapshotId = id;
        t.sequence = state.sequence + 1;
        t.location = state.location;
        return retries;
      }
      // 409 is the spec's CommitFailedException; some servers answer 500 on a busy backend. Both: reload and retry.
      if ((a.status !== 409 && a.status !== 500 && a.status !== 503) || retries > 200) {
        throw new Error(`commit on ${state.path} answered ${a.status}: ${a.text.slice(0, 400)}`);
      }
      if (!shared && a.status === 409 && retries > 5) {
        throw new Error(`commit on an unshared table kept conflicting: ${a.text.slice(0, 400)}`);
      }
      if (performance.now() > giveUpAt) return -1;
      state = await this.load(t);
    }
  }
}

/** A server's CPU per commit of a run, in microseconds. */
interface CpuPerCommit {
  serverMainUs: number;
  serverAllUs: number;
}

/**
 * A commit run with, where the target's server can be read, its CPU per commit: `serverMainUs` on the event-loop
 * thread (what bounds a commit on a 2-core machine) and `serverAllUs` over all its threads. Unlike commits/s it does
 * not move with the disk or the load generator, but the machine's CPU speed still moves it (identical servers read up
 * to 28% apart on this one), so before/after comparisons of a change read both, over alternating runs.
 */
async function withServerCpu<T extends { ok: number }>(
  target: IcebergTarget,
  run: () => Promise<T>,
): Promise<T & { cpu?: CpuPerCommit }> {
  const before = target.serverCpu?.();
  const r = await run();
  const after = target.serverCpu?.();
  if (!before || !after || r.ok === 0) return r;
  const perCommitUs = (ms: number) => Math.round((ms * 1000) / r.ok);
  return {
    ...r,
    cpu: { serverMainUs: perCommitUs(after.main - before.main), serverAllUs: perCommitUs(after.all - before.all) },
  };
}

/** Tables the warm-up spreads its commits over, so that no warm-up table's history grows long. */
const WARM_UP_TABLES = 8;

/**
 * Drives `cat` with one writer's commits and loads for `ms` before the lane measures anything, the same wall time for
 * every server. Both kinds of runtime compile their hot paths only after they have run a while (V8's optimizing
 * compiler was still compiling 70 functions a second 4 s into a run of commits on our server, the JVM's C2 later
 * still); a fixed handful of warm-up commits measured a server still compiling, on a 2-core machine on the core the
 * load generator needs. A time budget rather than a count, so a slow server is not warmed longer than a fast one.
 */
async function warmUp(cat: IcebergRest, ns: string, ms: number): Promise<void> {
  await cat.createNamespace(ns);
  const tables: TableState[] = [];
  for (let i = 0; i < WARM_UP_TABLES; i++) tables.push(await cat.createTable(ns, `w${i}`));
  const until = performance.now() + ms;
  for (let i = 0; performance.now() < until; i++) {
    const t = tables[i % tables.length]!;
    await cat.commit(t, false);
    await cat.client.json('GET', t.path);
  }
}

/**
 * The Iceberg REST workload against one catalog: create/list namespaces and tables, commits/s on one table and across
 * `tables` tables with 1/4/16 concurrent writers (a fixed amount of work per run, so every server ends with the same
 * metadata size), then loadTable p50/p99 with and without an ETag.
 */
export async function runIcebergLane(
  lane: string,
  target: IcebergTarget,
  w: IcebergWorkload,
  rec: Recorder,
): Promise<void> {
  const cat = new IcebergRest(target);
  const system = target.system;
  const run = `r${Date.now().toString(36)}`;
  try {
    await cat.init();
    await warmUp(cat, `${run}_warm`, w.warmUpMs);

    const nsLat = await latencies(w.namespaces, (i) => cat.createNamespace(`${run}_ns${i}`));
    rec.add({ lane, name: 'createNamespace p50', system, value: nsLat.p50, unit: 'ms', better: 'lower' });
    const listNs = await latencies(w.lists, () => cat.client.json('GET', `${cat.prefix}/namespaces`));
    rec.add({ lane, name: 'listNamespaces p50', system, value: listNs.p50, unit: 'ms', better: 'lower' });

    const ns = `${run}_bench`;
    await cat.createNamespace(ns);
    const tables: TableState[] = [];
    const ctLat = await latencies(w.tables, async (i) => {
      tables.push(await cat.createTable(ns, `t${i}`));
    });
    rec.add({ lane, name: 'createTable p50', system, value: ctLat.p50, unit: 'ms', better: 'lower' });
    const listT = await latencies(w.lists, () => cat.client.json('GET', `${cat.prefix}/namespaces/${ns}/tables`));
    rec.add({
      lane,
      name: `listTables(${w.tables}) p50`,
      system,
      value: listT.p50,
      unit: 'ms',
      better: 'lower',
    });

    // One table, N writers racing on it: lost races reload and retry, as real writers do. The one-writer figure is
    // the summary's share of the disk floor: it is the median of ONE_WRITER_RUNS runs, each on a new table (a single
    // run of 40 commits read 55% one minute and 79% the next).
    for (const writers of w.writers) {
      const runs: Array<Awaited<ReturnType<typeof throughput>> & { cpu?: CpuPerCommit }> = [];
      for (let run = 0; run < (writers === 1 ? ONE_WRITER_RUNS : 1); run++) {
        const hot = await cat.createTable(ns, run === 0 ? `hot${writers}` : `hot${writers}_${run}`);
        let left = w.commitsOneTable;
        const until = performance.now() + w.maxRunMs;
        runs.push(
          await withServerCpu(target, () =>
            throughput(
              writers,
              () => left-- > 0 && performance.now() < until,
              async () => {
                const mine = { ...hot };
                const retries = await cat.commit(mine, true, until);
                if (mine.sequence > hot.sequence) Object.assign(hot, mine);
                return retries;
              },
            ),
          ),
        );
      }
      const r = [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)]!;
      rec.add({
        lane,
        name: `commits/s 1 table ${writers}w`,
        system,
        value: r.perSecond,
        unit: 'commit/s',
        better: 'higher',
        detail: {
          retries: r.retries,
          p50ms: r.latency.p50,
          p99ms: r.latency.p99,
          ...(runs.length > 1 ? { runs: runs.map((x) => x.perSecond.toFixed(1)).join('/') } : {}),
          ...r.cpu,
        },
      });
    }

    // Many tables: writer w owns the tables i with i % writers == w, so writers never race on a table.
    for (const writers of w.writers) {
      let left = w.commitsManyTables;
      const until = performance.now() + w.maxRunMs;
      const next = new Array<number>(writers).fill(0);
      const r = await withServerCpu(target, () =>
        throughput(
          writers,
          () => left-- > 0 && performance.now() < until,
          async (writer) => {
            const owned = Math.ceil((tables.length - writer) / writers);
            const t = tables[writer + writers * (next[writer]++ % owned)];
            return cat.commit(t, false);
          },
        ),
      );
      rec.add({
        lane,
        name: `commits/s ${tables.length} tables ${writers}w`,
        system,
        value: r.perSecond,
        unit: 'commit/s',
        better: 'higher',
        detail: { retries: r.retries, p50ms: r.latency.p50, p99ms: r.latency.p99, ...r.cpu },
      });
    }

    // loadTable on a table with history (the 1-writer hot table).
    const target1 = `${cat.prefix}/namespaces/${ns}/tables/hot${w.writers[0]}`;
    const plain = await latencies(w.loads, () => cat.client.json('GET', target1));
    rec.add({
      lane,
      name: 'loadTable p50',
      system,
      value: plain.p50,
      unit: 'ms',
      better: 'lower',
      detail: { p99ms: plain.p99 },
    });
    rec.add({ lane, name: 'loadTable p99', system, value: plain.p99, unit: 'ms', better: 'lower' });
    const first = await cat.client.send('GET', target1);
    const etag = first.headers.etag;
    if (typeof etag === 'string' && etag) {
      let notModified = 0;
      const cond = await latencies(w.loads, async () => {
        const a = await cat.client.send('GET', target1, undefined, { 'if-none-match': etag });
        if (a.status === 304) notModified++;
      });
      rec.add({
        lane,
        name: 'loadTable+ETag p50',
        system,
        value: cond.p50,
        unit: 'ms',
        better: 'lower',
        detail: { p99ms: cond.p99, notModified },
      });
      rec.add({ lane, name: 'loadTable+ETag p99', system, value: cond.p99, unit: 'ms', better: 'lower' });
    } else {
      rec.notes.push(`${lane} · ${system}: loadTable sends no ETag, so the ETag figures are absent`);
    }
    const size = await timeOnce(() => cat.client.send('GET', target1));
    rec.notes.push(`${lane} · ${system}: loadTable body ${size.value.text.length} bytes`);
  } finally {
    cat.client.close();
  }
}
