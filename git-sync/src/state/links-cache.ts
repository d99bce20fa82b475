/** A local copy of the code sha → data hash links this clone has seen, so a detached checkout resolves offline. */
import type { CodeLink } from '../catalog/data-catalog.ts';
import { readJsonFile, writeJsonFile, type StateIO } from './rat-dir.ts';

const FILE = 'links.json';

export async function readCachedLink(io: StateIO, sha: string): Promise<CodeLink | undefined> {
  const all = await readJsonFile<Record<string, CodeLink>>(io, FILE, {});
  return all[sha];
}

export async function cacheLink(io: StateIO, link: CodeLink): Promise<void> {
  const all = await readJsonFile<Record<string, CodeLink>>(io, FILE, {});
  all[link.sha] = link;
  await writeJsonFile(io, FILE, all);
}
