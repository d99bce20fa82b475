import type { ResolvedRef, VersionStore } from '../../store/types.ts';
import { ReadOnlyReferenceError } from '../../errors/index.ts';

/** A branch head a writer bases its change on: commit to `branch` with `hash` as the expected hash. */
export interface WritableRef {
  branch: string;
  hash: string;
}

/** Resolves the ref of the URL for reading (`main`, `feature/x`, `main@<hash>`, `main*<timestamp>`, a tag). */
export async function readRef(store: VersionStore, refSpec: string): Promise<ResolvedRef> {
  return store.resolve(refSpec);
}

/**
 * Resolves the ref of the URL for writing: only a branch at its head is writable; tags and points in history are
 * refused with `ReadOnlyReferenceError` (400) before anything is written.
 */
export async function writableRef(store: VersionStore, refSpec: string): Promise<WritableRef> {
  const r = await store.resolve(refSpec);
  if (r.readOnly || r.type !== 'BRANCH' || r.name === null) throw new ReadOnlyReferenceError(refSpec);
  return { branch: r.name, hash: r.hash };
}
