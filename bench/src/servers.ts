import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNessie, type RunningNessie } from '../../test/support/nessie.ts';
import { startServerProcess } from '../../test/support/server-process.ts';
import type { S3TestServer } from '../../test/support/s3/versitygw.ts';

export interface RunningOurs {
  url: string;
  dataDir: string;
  /** The `rat serve` process's id (its main thread's too: the serving thread). */
  pid: number | undefined;
  /** The server process's peak resident memory so far in MB (Linux's VmHWM), undefined where /proc has none. */
  peakRssMb(): number | undefined;
  /** CPU time the server process has used so far, undefined where /proc has none (see {@link cpuMsOf}). */
  cpuMs(): ServerCpu | undefined;
  stop(): Promise<void>;
}

/**
 * Our server as a separate `rat serve` process (like the JVM servers it is compared with, so the load generator never
 * shares its event loop). `s3` points the default warehouse at the bench bucket; `nodeFlags` adds e.g. `--cpu-prof`.
 */
export async function startOurs(
  opts: {
    s3?: S3TestServer;
    bucket?: string;
    nodeFlags?: string[];
    dataDir?: string;
    auth?: string;
    /** More `rat serve` arguments (e.g. `--store postgresql://…`). */
    args?: string[];
  } = {},
): Promise<RunningOurs> {
  const own = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'rat-bench-ours-'));
  const args = ['--data-dir', dataDir];
  if (opts.auth) args.push('--auth', opts.auth);
  args.push(...(opts.args ?? []));
  const env: NodeJS.ProcessEnv = {};
  if (opts.s3) {
    args.push('--warehouse', `s3://${opts.bucket}/ours`);
    Object.assign(env, opts.s3.env, { RAT_S3_PATH_STYLE: 'true' });
  }
  const removeDataDir = () => {
    if (own) rmSync(dataDir, { recursive: true, force: true });
  };
  let server;
  try {
    server = await startServerProcess(args, env, { nodeFlags: opts.nodeFlags });
  } catch (e) {
    removeDataDir();
    throw e;
  }
  return {
    url: server.url,
    dataDir,
    pid: server.child.pid,
    peakRssMb: () => peakRssMbOf(server.child.pid),
    cpuMs: () => cpuMsOf(server.child.pid),
    async stop() {
      await server.stop();
      removeDataDir();
    },
  };
}

/** Milliseconds of CPU a server process has run: its main (event-loop) thread, and all its threads together. */
export interface ServerCpu {
  main: number;
  all: number;
}

/**
 * From Linux's per-thread `schedstat` (time on a CPU, in nanoseconds): precise where the tick-counted `stat` times
 * move in 10 ms steps, a fifth of a quick run's commits. The main thread's id is the process id.
 */
export function cpuMsOf(pid: number | undefined): ServerCpu | undefined {
  const ranNs = (tid: string) => Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  try {
    let all = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        all += ranNs(tid);
      } catch {
        // A thread that ended between the listing and the read.
      }
    }
    return { main: ranNs(String(pid)) / 1e6, all: all / 1e6 };
  } catch {
    return undefined;
  }
}

function peakRssMbOf(pid: number | undefined): number | undefined {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * Nessie 0.99 with its Iceberg REST endpoint on the bench S3 bucket (`s3://<bucket>/nessie-<store>`), the version store
 * in memory or in RocksDB. The S3 keys reach it as a Quarkus secret (`urn:nessie-secret:quarkus:bench.s3`).
 */
export function startNessieFor(
  store: 'IN_MEMORY' | 'ROCKSDB',
  s3?: S3TestServer,
  bucket?: string,
): Promise<RunningNessie> {
  const props: Record<string, string> = {};
  if (s3 && bucket) {
    Object.assign(props, {
      'nessie.catalog.default-warehouse': 'bench',
      'nessie.catalog.warehouses.bench.location': `s3://${bucket}/nessie-${store.toLowerCase()}/`,
      'nessie.catalog.service.s3.default-options.endpoint': s3.endpoint,
      'nessie.catalog.service.s3.default-options.path-style-access': 'true',
      'nessie.catalog.service.s3.default-options.region': s3.region,
      'nessie.catalog.service.s3.default-options.access-key': 'urn:nessie-secret:quarkus:bench.s3',
    });
    // Random keys of a throw-away local S3 server, so passing them as properties is fine.
    props['bench.s3.name'] = s3.accessKeyId;
    props['bench.s3.secret'] = s3.secretAccessKey;
  }
  return startNessie({ versionStore: store, systemProperties: props, maxHeap: '1g' });
}
