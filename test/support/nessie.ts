/**
 * A real Project Nessie server for differential tests and benchmarks.
 *
 * `ensureNessieJar()` downloads the self-contained Quarkus runner jar from Maven Central once into the cache
 * (`${RAT_CACHE_DIR:-$HOME/.cache/ratatouille}/nessie/`), checks it against a pinned SHA-512 and renames it into place
 * atomically; a lock directory keeps parallel test processes from downloading it twice. `startNessie()` runs it in
 * memory on loopback with the first Java 21+ it finds (Nessie 0.99 needs 21; the machine default is 17).
 *
 * @example
 *   const nessie = await startNessie();
 *   try { await fetch(`${nessie.apiUrl}/config`) } finally { await nessie.stop() }
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { keepOnExit, killOnExit, removeOnExit } from './tool-process.ts';

export const NESSIE_VERSION = '0.99.0';
const JAR_NAME = `nessie-quarkus-${NESSIE_VERSION}-runner.jar`;
const JAR_URL = `https://repo1.maven.org/maven2/org/projectnessie/nessie/nessie-quarkus/${NESSIE_VERSION}/${JAR_NAME}`;
/** Pinned rather than fetched beside the jar, so a tampered mirror cannot serve a matching checksum. */
const JAR_SHA512 =
  '7d78865f301db5ab4e771fc08e1f773889322ea105757de711e8cf2fc260ffff89bac723523858f539605fd6dcb92e773e9dfed8c5b73181a54572cf6fe5b2e2';

/** The project's download cache (shared with the other conformance harnesses). */
export function cacheDir(): string {
  return process.env['RAT_CACHE_DIR'] ?? path.join(os.homedir(), '.cache', 'ratatouille');
}

async function sha512Of(file: string): Promise<string> {
  const hash = createHash('sha512');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding an exclusive lock directory (mkdir is atomic). A lock whose owner process is gone is taken over,
 * so a download killed half-way does not block later runs.
 */
async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(path.join(lockDir, 'pid'), 'utf8'));
      } catch {
        // The owner has created the directory but not yet written its pid: wait for it.
      }
      if (Number.isInteger(owner) && !pidAlive(owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

let verifiedJar: string | undefined;

/** Returns the path of the verified Nessie runner jar, downloading it first if the cache lacks it. */
export async function ensureNessieJar(): Promise<string> {
  if (verifiedJar) return verifiedJar;
  const dir = path.join(cacheDir(), 'nessie');
  mkdirSync(dir, { recursive: true });
  const jar = path.join(dir, JAR_NAME);
  await withLock(path.join(dir, `${JAR_NAME}.lock`), async () => {
    if (existsSync(jar) && (await sha512Of(jar)) === JAR_SHA512) return;
    const part = `${jar}.part-${process.pid}`;
    try {
      const res = await fetch(JAR_URL);
      if (!res.ok || !res.body) throw new Error(`GET ${JAR_URL} answered ${res.status}`);
      await pipeline(Readable.fromWeb(res.body as WebReadableStream), createWriteStream(part));
      const got = await sha512Of(part);
      if (got !== JAR_SHA512) throw new Error(`${JAR_URL}: SHA-512 ${got} does not match the pinned ${JAR_SHA512}`);
      renameSync(part, jar);
    } finally {
      rmSync(part, { force: true });
    }
  });
  verifiedJar = jar;
  return jar;
}

function javaMajor(javaBin: string): number {
  // `release` beside bin/ names the version without starting a JVM.
  try {
    const release = readFileSync(path.join(path.dirname(path.dirname(javaBin)), 'release'), 'utf8');
    const m = /JAVA_VERSION="(\d+)/.exec(release);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The first Java 21+ among `$RAT_NESSIE_JAVA_HOME`, `$JAVA_HOME` and `/usr/lib/jvm/*`, newest first. */
export function findJava21(): string {
  const homes: string[] = [];
  for (const v of ['RAT_NESSIE_JAVA_HOME', 'JAVA_HOME']) if (process.env[v]) homes.push(process.env[v]!);
  if (existsSync('/usr/lib/jvm')) {
    homes.push(
      ...readdirSync('/usr/lib/jvm')
        .map((d) => path.join('/usr/lib/jvm', d))
        .sort()
        .reverse(),
    );
  }
  for (const home of homes) {
    const bin = path.join(home, 'bin', 'java');
    if (existsSync(bin) && javaMajor(bin) >= 21) return bin;
  }
  throw new Error('Nessie 0.99 needs Java 21+: install one under /usr/lib/jvm or set RAT_NESSIE_JAVA_HOME');
}

export interface RunningNessie {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `<url>/api/v2` */
  apiUrl: string;
  port: number;
  logFile: string;
  /** Stops the JVM (SIGTERM, then SIGKILL) and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Options of {@link startNessie}; all optional, so `startNessie()` stays an in-memory server on loopback.
 */
export interface StartNessieOptions {
  startupTimeoutMs?: number;
  /**
   * `IN_MEMORY` (default) or `ROCKSDB`: the durable store, kept in a `rocksdb` folder of the server's temp dir (removed
   * by `stop()`).
   */
  versionStore?: 'IN_MEMORY' | 'ROCKSDB';
  /** More `-D` system properties (e.g. the Iceberg REST warehouse and S3 settings); they override the defaults. */
  systemProperties?: Record<string, string>;
  /** Extra environment variables for the JVM (e.g. secrets referenced by `urn:nessie-secret:quarkus:` names). */
  env?: Record<string, string>;
  /** `-Xmx`, default `512m`. */
  maxHeap?: string;
}

/**
 * Starts Nessie (in memory unless `versionStore` says otherwise) on 127.0.0.1 with OS-chosen ports (Quarkus accepts
 * port 0 and logs the real one) and waits until `/api/v2/config` answers.
 */
export async function startNessie(opts: StartNessieOptions = {}): Promise<RunningNessie> {
  const jar = await ensureNessieJar();
  const java = findJava21();
  const work = mkdtempSync(path.join(os.tmpdir(), 'rat-nessie-'));
  removeOnExit(work);
  const logFile = path.join(work, 'nessie.log');
  const props: Record<string, string> = {
    'java.io.tmpdir': work,
    'quarkus.http.host': '127.0.0.1',
    'quarkus.http.port': '0',
    'quarkus.management.host': '127.0.0.1',
    'quarkus.management.port': '0',
    'nessie.version.store.type': opts.versionStore ?? 'IN_MEMORY',
    'quarkus.otel.sdk.disabled': 'true',
  };
  if (opts.versionStore === 'ROCKSDB') {
    props['nessie.version.store.persist.rocks.database-path'] = path.join(work, 'rocksdb');
  }
  Object.assign(props, opts.systemProperties);
  const args = [`-Xmx${opts.maxHeap ?? '512m'}`, ...Object.entries(props).map(([k, v]) => `-D${k}=${v}`), '-jar', jar];
  const child = spawn(java, args, {
    cwd: work,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
  });
  // A JVM must never outlive the test process, whatever way the test run ends.
  killOnExit(child);
  const log = createWriteStream(logFile);
  let output = '';
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    if (output.length < 200_000) output += chunk.toString('utf8');
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
      rmSync(work, { recursive: true, force: true });
      keepOnExit(work);
    })();
    return stopped;
  };

  try {
    const deadline = Date.now() + (opts.startupTimeoutMs ?? 300_000);
    let port = 0;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `Nessie exited during startup (${child.exitCode ?? child.signalCode}):\n${output.slice(-4000)}`,
        );
      }
      if (Date.now() > deadline) throw new Error(`Nessie did not become ready in time:\n${output.slice(-4000)}`);
      if (!port) {
        const m = /Listening on: http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (m) port = Number(m[1]);
      }
      if (port) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/v2/config`);
          if (res.ok) {
            await res.arrayBuffer();
            break;
          }
        } catch {
          // Not accepting connections yet.
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const url = `http://127.0.0.1:${port}`;
    return { url, apiUrl: `${url}/api/v2`, port, logFile, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** True when the jar is cached and verified-sized (a cheap check used to print hints; `ensureNessieJar` verifies). */
export function nessieJarCached(): boolean {
  const jar = path.join(cacheDir(), 'nessie', JAR_NAME);
  return existsSync(jar) && statSync(jar).size > 0;
}
