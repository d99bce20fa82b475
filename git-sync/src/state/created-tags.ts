/**
 * Data tags this clone created for git tags (`.git/rat/tags.json`): `git tag -d` deletes only those. A data tag that
 * existed before (made by hand, by a teammate, by another clone) is not rat's to delete.
 */
import { keyedRecords, type StateIO } from './rat-dir.ts';

/** Tag name → the data hash it was created at. */
export type CreatedTags = Record<string, { hash: string; at: string }>;

const tags = keyedRecords<CreatedTags[string]>('tags.json');

export function readCreatedTags(io: StateIO): Promise<CreatedTags> {
  return tags.read(io);
}

export function recordCreatedTag(io: StateIO, tag: string, hash: string, at: string): Promise<void> {
  return tags.put(io, tag, { hash, at });
}

export function forgetCreatedTag(io: StateIO, tag: string): Promise<void> {
  return tags.forget(io, tag);
}
