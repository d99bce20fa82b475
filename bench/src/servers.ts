import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startNessie, type RunningNessie } from '../../test/support/nessie.ts';
import type { S3TestServer } from '../../test/support/s3/versitygw.ts';

export interface RunningOurs {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

const RAT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cli/bin/rat.js');

/**
 * Our server as a separate `rat serve` process (like the JVM servers it is compared with, so the load generator never
 * shares its event loop). `s3` points the default warehouse at the bench bucket; `nodeFlags` adds e.g. `--cpu-prof`
 * (which NODE_OPTIONS does not accept, hence our own spawn rather than test/support/server-process.ts).
 */
export async function startOurs(
  opts: { s3?: S3TestServer; bucket?: string; nodeFlags?: string[]; dataDir?: string } = {},
): Promise<RunningOurs> {
  const own = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'rat-bench-ours-'));
  const args = [...(opts.nodeFlags ?? []), RAT, 'serve', '--port', '0', '--data-dir', dataDir];
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.s3) {
    args.push('--warehouse', `s3://${opts.bucket}/ours`);
    Object.assign(env, opts.s3.env, { RAT_S3_PATH_STYLE: 'true' });
  }
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(kill, 15_000);
      await exited;
      clearTimeout(t);
    }
    process.removeListener('exit', kill);
    if (own) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearInterval(timer);
          resolve(m[1]);
        }
      }, 20);
      void exited.then(() => {
        clearInterval(timer);
        reject(new Error(`rat serve exited before listening: ${out.slice(-2000)}`));
      });
    });
    return { url, dataDir, stop };
  } catch (e) {
    await stop();
    throw e;
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
