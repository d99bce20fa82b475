import type { DataReference } from '../catalog/data-catalog.ts';
import { CatalogRequestFailedError } from '../errors/index.ts';
import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import { findCodeLink } from '../find-code-link.ts';
import { currentBranch, headSha, localBranchTips, peelToCommit } from '../git/repo.ts';
import { forgetCreatedTag, readCreatedTags, recordCreatedTag } from '../state/created-tags.ts';
import type { GitSyncIO } from '../types.ts';

/**
 * Tags data for git tag `tag` on commit `sha`: the data head of the tagged commit's branch when the tag is on a branch
 * tip (the usual `git tag v1`), else the data recorded for that commit. Idempotent: the same tag at the same hash is
 * success; the tag at another hash is reported and left alone (tags do not move).
 */
export async function tagData(
  io: GitSyncIO,
  tag: string,
  sha: string,
  codeBranch?: string,
): Promise<DataReference | undefined> {
  const commit = await peelToCommit(io, sha);
  const source = await dataFor(io, commit, codeBranch);
  if (!source) {
    io.report.warn(`git tag "${tag}": no data is known for commit ${commit.slice(0, 12)}; no data tag created`);
    return undefined;
  }
  const existing = await io.catalog.getReference(tag);
  if (existing) {
    if (existing.hash !== source.hash)
      io.report.warn(`data tag "${tag}" already exists at ${existing.hash.slice(0, 12)}; left as is`);
    return existing;
  }
  try {
    const created = await io.catalog.createReference(tag, 'TAG', source);
    await recordCreatedTag(io, tag, created.hash, (io.now?.() ?? new Date()).toISOString());
    io.report.info(`data tag "${tag}" → ${source.name}@${source.hash.slice(0, 12)}`);
    return created;
  } catch (err) {
    if (err instanceof CatalogRequestFailedError && err.status === 409) return io.catalog.getReference(tag);
    throw err;
  }
}

async function dataFor(io: GitSyncIO, commit: string, codeBranch?: string): Promise<DataReference | undefined> {
  const branches: string[] = [];
  const current = await currentBranch(io);
  if (codeBranch) branches.push(codeBranch);
  if (current && (await headSha(io)) === commit) branches.push(current);
  for (const [name, tip] of await localBranchTips(io)) if (tip === commit) branches.push(name);
  for (const b of branches) {
    const ref = await io.catalog.getReference(dataBranchFor(b, io.config));
    if (ref && ref.type === 'BRANCH') return ref;
  }
  const link = await findCodeLink(io, commit);
  return link ? { type: 'BRANCH', name: link.dataRef, hash: link.dataHash } : undefined;
}

/**
 * Deletes the data tag of a deleted git tag, if this clone created it (at the hash it is still at); a missing one is
 * fine. A data tag rat did not create (`git tag` found it already there) is kept, and the user told how to delete it.
 */
export async function untagData(io: GitSyncIO, tag: string): Promise<void> {
  const ref = await io.catalog.getReference(tag);
  const mine = (await readCreatedTags(io))[tag];
  if (!ref || ref.type !== 'TAG') return forgetCreatedTag(io, tag);
  if (mine?.hash !== ref.hash) {
    io.report.info(
      `data tag "${tag}" kept (at ${ref.hash.slice(0, 12)}): rat did not create it for this git tag. To delete it on purpose: rat tag delete ${tag}`,
    );
    return;
  }
  try {
    await io.catalog.deleteReference(ref);
    io.report.info(`data tag "${tag}" deleted`);
  } catch (err) {
    if (!(err instanceof CatalogRequestFailedError && err.status === 404)) throw err;
  }
  await forgetCreatedTag(io, tag);
}
