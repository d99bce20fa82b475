import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort, runChecked } from '../clients/index.ts';
import {
  cachedInstall,
  captureOutput,
  keepOnExit,
  killOnExit,
  removeOnExit,
  stopChild,
  waitUntilAnswering,
} from '../tool-process.ts';

/** The pinned S3 server used by the S3 tests: Versity's S3 gateway over a POSIX directory. */
export const VERSITYGW_MODULE = 'github.com/versity/versitygw/cmd/versitygw';
export const VERSITYGW_VERSION = 'v1.7.0';

/**
 * Returns the path of the versitygw binary, building it with `go install …@v1.7.0` on first use into
 * `$RAT_CACHE_DIR/versitygw-v1.7.0/versitygw` (about a minute; later calls are instant; see `cachedInstall`).
 *
 * @example const bin = await ensureVersitygw(); // ~/.cache/ratatouille/versitygw-v1.7.0/versitygw
 */
export const ensureVersitygw = cachedInstall(
  `versitygw-${VERSITYGW_VERSION}`,
  'versitygw',
  async (staging) => {
    process.stderr.write(`[rat s3] building versitygw ${VERSITYGW_VERSION} with go install (about a minute)\n`);
    await runChecked('go', ['install', `${VERSITYGW_MODULE}@${VERSITYGW_VERSION}`], {
      env: { ...process.env, GOBIN: staging, GOFLAGS: process.env.GOFLAGS || '-buildvcs=false' },
      killAfterMs: 30 * 60_000,
    });
  },
  (staging, dir) => renameSync(path.join(staging, 'versitygw'), path.join(dir, 'versitygw')),
);

/** A running versitygw on loopback with its own root keys and a fresh temp directory. */
export interface S3TestServer {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The posix backend's root: each sub-directory is a bucket. */
  dataDir: string;
  /** The standard AWS variables pointing at this server, as `rat serve` would get them. */
  env: Record<string, string>;
  createBucket(name: string): Promise<void>;
  /** Stops the server (the same endpoint then refuses connections) and keeps the data, for outage tests. */
  pause(): Promise<void>;
  /** Starts it again on the same port and data. */
  resume(): Promise<void>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

interface Spawned {
  child: ChildProcess;
  output: () => string;
}

/** Starts versitygw and waits until it answers HTTP, or throws with its output if it exits first. */
async function spawnGateway(
  bin: string,
  port: number,
  dataDir: string,
  access: string,
  secret: string,
  region: string,
): Promise<Spawned> {
  const child = spawn(
    bin,
    ['--port', `127.0.0.1:${port}`, '--region', region, '--quiet', 'posix', dataDir],
    // Keys go through the environment, not argv, so they do not show in `ps`.
    {
      env: { ...process.env, ROOT_ACCESS_KEY_ID: access, ROOT_SECRET_ACCESS_KEY: secret },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  killOnExit(child);
  const output = captureOutput(child);
  await waitUntilAnswering('versitygw', child, output, async () => {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    return true;
  });
  return { child, output };
}

/**
 * Installs (once) and starts versitygw with the posix backend on a free loopback port, in a fresh temp directory,
 * with random root keys. Creates `buckets` before returning. Always `stop()` it (an exit hook kills it otherwise).
 *
 * @example const s3 = await startS3Server({ buckets: ['lake'] }); … await s3.stop();
 */
export async function startS3Server(
  opts: { buckets?: string[]; region?: string; accessKeyId?: string; secretAccessKey?: string } = {},
): Promise<S3TestServer> {
  const bin = await ensureVersitygw();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rat-s3-'));
  removeOnExit(dataDir);
  const region = opts.region ?? 'us-east-1';
  const accessKeyId = opts.accessKeyId ?? `rat${randomBytes(6).toString('hex')}`;
  const secretAccessKey = opts.secretAccessKey ?? randomBytes(20).toString('hex');
  let port = 0;
  let spawned: Spawned | undefined;
  let lastError: unknown;
  // The free port can be taken between probing and binding; try a few.
  for (let attempt = 0; attempt < 5 && !spawned; attempt++) {
    port = await freePort();
    try {
      spawned = await spawnGateway(bin, port, dataDir, accessKeyId, secretAccessKey, region);
    } catch (err) {
      lastError = err;
    }
  }
  if (!spawned) {
    rmSync(dataDir, { recursive: true, force: true });
    keepOnExit(dataDir);
    throw lastError;
  }
  let current: Spawned | undefined = spawned;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const server: S3TestServer = {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    dataDir,
    env: {
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_REGION: region,
      AWS_ENDPOINT_URL_S3: endpoint,
    },
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async pause() {
      if (current) await stopChild(current.child);
      current = undefined;
    },
    async resume() {
      if (!current) current = await spawnGateway(bin, port, dataDir, accessKeyId, secretAccessKey, region);
    },
    async stop() {
      client.destroy();
      if (current) await stopChild(current.child);
      current = undefined;
      rmSync(dataDir, { recursive: true, force: true });
      keepOnExit(dataDir);
    },
  };
  try {
    for (const b of opts.buckets ?? []) await server.createBucket(b);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
