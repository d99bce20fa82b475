import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIST = new URL('../dist/', import.meta.url);

/**
 * The URL of the bundle's entry (`cli/dist/<build>/main.js`, built by cli/scripts/bundle.ts) when every source it
 * was built from is unchanged since; undefined when there is no bundle (or its entry is gone) or a source was edited,
 * added to its imports or removed (the caller then runs the sources themselves). Costs one stat per source, about a
 * millisecond. `dist` is the folder's URL (tests give their own).
 */
export function currentBundle(dist = DIST) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL('current.json', dist), 'utf8'));
  } catch {
    return undefined;
  }
  const entry = new URL(`${manifest.dir}/${manifest.entry}`, dist);
  try {
    statSync(entry);
    for (const file of manifest.inputs) if (statSync(file).mtimeMs > manifest.builtAt) return undefined;
  } catch {
    return undefined;
  }
  return entry.href;
}

/** A lock older than this belongs to a rebuild that died; the next `rat` starts another. */
const STALE_LOCK_MS = 120_000;

/**
 * Starts cli/scripts/bundle.ts detached (its output ignored), so that the `rat` after this one finds a current bundle;
 * at most one at a time (a lock file in cli/dist). Never fails the command that called it.
 */
export function rebuildInBackground() {
  const lock = fileURLToPath(new URL('.rebuilding', DIST));
  try {
    mkdirSync(DIST, { recursive: true });
    try {
      closeSync(openSync(lock, 'wx'));
    } catch {
      if (Date.now() - statSync(lock).mtimeMs < STALE_LOCK_MS) return;
      unlinkSync(lock);
      closeSync(openSync(lock, 'wx'));
    }
    const script = fileURLToPath(new URL('../scripts/bundle.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--lock', lock], {
      cwd: fileURLToPath(new URL('../', import.meta.url)),
      detached: true,
      stdio: 'ignore',
    });
    child.on('error', () => {});
    child.unref();
  } catch {
    // Another rat is rebuilding, or the folder is read-only: the sources run through tsx meanwhile.
  }
}
