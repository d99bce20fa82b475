/**
 * Data tags this clone created for git tags (`.git/rat/tags.json`): `git tag -d` deletes only those. A data tag that
 * existed before (made by hand, by a teammate, by another clone) is not rat's to delete.
 */
import { readJsonFile, writeJsonFile, type StateIO } from './rat-dir.ts';

/** Tag name → the data hash it was created at. */
export type CreatedTags = Record<string, { hash: string; at: string }>;

const FILE = 'tags.json';

export async function readCreatedTags(io: StateIO): Promise<CreatedTags> {
  return readJsonFile<CreatedTags>(io, FILE, {});
}

export async function recordCreatedTag(io: StateIO, tag: string, hash: string, at: string): Promise<void> {
  const all = await readCreatedTags(io);
  all[tag] = { hash, at };
  await writeJsonFile(io, FILE, all);
}

export async function forgetCreatedTag(io: StateIO, tag: string): Promise<void> {
  const all = await readCreatedTags(io);
  if (!(tag in all)) return;
  delete all[tag];
  await writeJsonFile(io, FILE, all);
}
