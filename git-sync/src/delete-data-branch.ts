import { CatalogRequestFailedError } from './errors/index.ts';
import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import { forgetFork, readForks } from './state/forks.ts';
import type { GitSyncIO } from './types.ts';

export type DeleteDataBranchResult =
  | { kind: 'deleted'; dataBranch: string; hash: string; archivedAs?: string }
  | { kind: 'missing'; dataBranch: string }
  | { kind: 'protected'; dataBranch: string }
  /** This clone did not create the data branch (a teammate's, or made elsewhere): its data is not ours to drop. */
  | { kind: 'not-created-here'; dataBranch: string; hash: string };

/**
 * Deletes the data branch of a deleted code branch, or (policy `archive`) keeps its head as tag
 * `<archivePrefix><branch>` first. The default data branch is never deleted, nor is one this clone did not create
 * (no fork point recorded when a `git checkout` here made it): a branch checked out from a teammate's remote branch
 * uses the teammate's data branch, and deleting the local code branch must not delete their data. Idempotent: a branch already gone is
 * reported as missing. The delete names the head it saw, so a concurrent commit is not silently thrown away.
 *
 * @example await deleteDataBranch(io, 'feature')
 */
export async function deleteDataBranch(
  io: GitSyncIO,
  codeBranch: string,
  /** `archive: false`: never archive, whatever `onBranchDelete` says (a rename keeps the data under the new name). */
  opts: { archive?: boolean } = {},
): Promise<DeleteDataBranchResult> {
  const dataBranch = dataBranchFor(codeBranch, io.config);
  if (dataBranch === io.config.defaultDataBranch) return { kind: 'protected', dataBranch };
  for (let attempt = 0; attempt < 3; attempt++) {
    const ref = await io.catalog.getReference(dataBranch);
    if (!ref || ref.type !== 'BRANCH') {
      await forgetFork(io, codeBranch);
      return { kind: 'missing', dataBranch };
    }
    if (!(await createdHere(io, codeBranch, dataBranch)))
      return { kind: 'not-created-here', dataBranch, hash: ref.hash };
    let archivedAs: string | undefined;
    if (io.config.onBranchDelete === 'archive' && opts.archive !== false)
      archivedAs = await archive(io, dataBranch, ref.hash);
    try {
      await io.catalog.deleteReference(ref);
    } catch (err) {
      if (err instanceof CatalogRequestFailedError && (err.status === 409 || err.status === 404)) continue;
      throw err;
    }
    await forgetFork(io, codeBranch);
    return { kind: 'deleted', dataBranch, hash: ref.hash, archivedAs };
  }
  throw new CatalogRequestFailedError(
    'DELETE',
    `/api/v2/trees/${dataBranch}`,
    409,
    'REFERENCE_CONFLICT',
    'the branch kept moving while being deleted; retry with `rat sync`',
  );
}

/**
 * Whether this clone created `dataBranch` for `codeBranch`: its fork point was recorded then. `rat sync --existing
 * reuse` records the branch as its own fork point; adopting a branch is not creating it.
 */
async function createdHere(io: GitSyncIO, codeBranch: string, dataBranch: string): Promise<boolean> {
  const fork = (await readForks(io))[codeBranch];
  return !!fork && fork.dataBranch === dataBranch && fork.fromDataBranch !== dataBranch;
}

async function archive(io: GitSyncIO, dataBranch: string, hash: string): Promise<string> {
  const base = `${io.config.archivePrefix}${dataBranch}`;
  for (const name of [base, `${base}-${hash.slice(0, 12)}`]) {
    const existing = await io.catalog.getReference(name);
    if (existing?.hash === hash) return name;
    if (existing) continue;
    try {
      await io.catalog.createReference(name, 'TAG', { type: 'BRANCH', name: dataBranch, hash });
      return name;
    } catch (err) {
      if (!(err instanceof CatalogRequestFailedError && err.status === 409)) throw err;
      if ((await io.catalog.getReference(name))?.hash === hash) return name;
    }
  }
  throw new CatalogRequestFailedError(
    'POST',
    `/api/v2/trees?name=${base}`,
    409,
    'REFERENCE_ALREADY_EXISTS',
    `archive tags "${base}" are taken`,
  );
}
