import { mkdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Root of the client cache: `$RAT_CACHE_DIR`, else `~/.cache/ratatouille`. Created on demand.
 *
 * @example const dir = clientCacheDir(); // "/root/.cache/ratatouille"
 */
export function clientCacheDir(): string {
  const dir = process.env.RAT_CACHE_DIR || path.join(os.homedir(), '.cache', 'ratatouille');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` while holding a cross-process lock named `name` inside the cache dir, so that parallel test
 * processes do not install the same thing twice. The lock is a directory (atomic `mkdir`) holding the owner's
 * pid; a lock whose owner died is taken over. Re-check "already installed?" inside `fn`.
 *
 * @example await withCacheLock('venv', async () => { if (!done()) install(); });
 */
export async function withCacheLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const lockDir = path.join(clientCacheDir(), 'locks', `${name}.lock`);
  mkdirSync(path.dirname(lockDir), { recursive: true });
  const ownerFile = path.join(lockDir, 'owner');
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(ownerFile, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(readFileSync(ownerFile, 'utf8'));
      } catch {
        // Owner file not written yet: give the owner a moment, then treat an old ownerless lock as stale.
        try {
          if (Date.now() - statSync(lockDir).mtimeMs > 60_000) owner = -1;
        } catch {
          continue;
        }
      }
      if (owner === -1 || (Number.isInteger(owner) && owner > 0 && !processAlive(owner))) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
