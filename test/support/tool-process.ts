import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { clientCacheDir, withCacheLock } from './clients/index.ts';

/**
 * What the tests' helper servers (the S3 servers in s3/, Nessie) share: installing a pinned binary once into the
 * client cache, keeping the processes and data folders they start from outliving the test run, capturing their
 * output, waiting for them to answer, and stopping them.
 */

/**
 * Installs a pinned tool once per machine into `$RAT_CACHE_DIR/<name>/` and answers the path of its binary there.
 * Parallel test processes share one install through a cache lock; `install` fills a staging folder, and `place`
 * moves what it made into the final folder, so an install that dies half-way leaves nothing behind. A failed install
 * is tried again by the next caller.
 *
 * @example const weed = cachedInstall('seaweedfs-4.48', 'bin/weed', async (staging) => …, (staging, dir) => …)
 */
export function cachedInstall(
  name: string,
  binary: string,
  install: (staging: string) => Promise<void>,
  place: (staging: string, dir: string) => void,
): () => Promise<string> {
  let installing: Promise<string> | undefined;
  return () => {
    installing ??= (async () => {
      const dir = path.join(clientCacheDir(), name);
      const bin = path.join(dir, binary);
      if (existsSync(bin)) return bin;
      await withCacheLock(name, async () => {
        if (existsSync(bin)) return;
        mkdirSync(dir, { recursive: true });
        const staging = mkdtempSync(path.join(dir, '.staging-'));
        try {
          await install(staging);
          place(staging, dir);
        } finally {
          rmSync(staging, { recursive: true, force: true });
        }
      });
      return bin;
    })();
    installing.catch(() => {
      installing = undefined;
    });
    return installing;
  };
}

const live = new Set<ChildProcess>();
/** Data folders of servers not stopped yet, removed on exit too. */
const liveDirs = new Set<string>();
let exitHook = false;

/**
 * Kills `child` (and removes the folders given to {@link removeOnExit}) when the test process ends without stopping
 * it, as after a failed `before` or an interrupted run.
 */
export function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHook) return;
  exitHook = true;
  const killAll = () => {
    for (const c of live) c.kill('SIGKILL');
    for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Removes `dir` when the test process ends, unless {@link keepOnExit} is called first (the server removed it). */
export function removeOnExit(dir: string): void {
  liveDirs.add(dir);
}

export function keepOnExit(dir: string): void {
  liveDirs.delete(dir);
}

/** The last 4,000 characters `child` wrote to stdout and stderr, for error messages. */
export function captureOutput(child: ChildProcess): () => string {
  let out = '';
  const keep = (d: string) => (out = (out + d).slice(-4000));
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  return () => out;
}

/**
 * Waits until `answers()` resolves true (a probe of the server's port), up to a minute, or throws with the server's
 * output when it exits first or never answers (a readiness guard, not an assertion: a broken environment).
 */
export async function waitUntilAnswering(
  what: string,
  child: ChildProcess,
  output: () => string,
  answers: () => Promise<boolean>,
): Promise<void> {
  let exited = child.exitCode !== null || child.signalCode !== null;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 600; i++) {
    if (exited) throw new Error(`${what} exited before it was ready:\n${output()}`);
    if (await answers().catch(() => false)) return;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`${what} did not answer:\n${output()}`);
}

/** SIGTERM, then SIGKILL after 10 s; resolves once it has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
