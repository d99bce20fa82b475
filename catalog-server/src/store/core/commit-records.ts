import { canonicalJson, sha256Hex } from '../canonical-json.ts';
import type { Commit } from '../types.ts';
import type { CommitRecord } from './persistence.ts';

/** What a commit is made of, before its hash, generation and time in milliseconds follow from it. */
export type CommitFields = Omit<CommitRecord, 'hash' | 'generation' | 'commitMs'>;

/**
 * A commit's hash: SHA-256 of the canonical JSON of its parents, tree, people, times, message and properties
 * (operations and generation follow from those, so they are not hashed).
 */
export function sealCommit(f: CommitFields, generation: number): CommitRecord {
  const hash = sha256Hex(
    canonicalJson({
      parents: f.parents,
      tree: f.tree,
      author: f.author,
      committer: f.committer,
      message: f.message,
      authorTime: f.authorTime,
      commitTime: f.commitTime,
      properties: f.properties,
    }),
  );
  return { ...f, hash, generation, commitMs: Date.parse(f.commitTime) };
}

/** True when `c.hash` is the hash of its fields (a commit read back from a copy is what was written). */
export function hasValidHash(c: CommitRecord): boolean {
  return sealCommit(c, c.generation).hash === c.hash;
}

/** The public view of a commit record. */
export function toCommit(c: CommitRecord): Commit {
  return {
    hash: c.hash,
    parentHashes: [...c.parents],
    message: c.message,
    author: c.author,
    committer: c.committer,
    authorTime: c.authorTime,
    commitTime: c.commitTime,
    properties: { ...c.properties },
    generation: c.generation,
  };
}
