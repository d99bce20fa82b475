import { deleteDataBranch } from '../delete-data-branch.ts';
import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import { ancestorCommands, createdInTransaction, moveTarget, renameInProgress } from '../git/branch-rename.ts';
import { currentBranch, ZERO_SHA } from '../git/repo.ts';
import { reportRenamed } from '../internal/report-renamed.ts';
import { renameDataBranch } from '../rename-data-branch.ts';
import { guarded } from '../internal/guard.ts';
import { tagData, untagData } from '../internal/tag-data.ts';
import type { GitSyncIO, HookOutcome } from '../types.ts';

export interface RefUpdate {
  oldSha: string;
  newSha: string;
  ref: string;
}

/** Parses the hook's stdin: one `<old> <new> <refname>` per line. Pure. */
export function parseRefUpdates(stdin: string): RefUpdate[] {
  return stdin
    .split('\n')
    .map((l) => l.trim().split(' '))
    .filter((p) => p.length === 3)
    .map(([oldSha, newSha, ref]) => ({ oldSha, newSha, ref }));
}

/**
 * reference-transaction: acts once the update is `committed`. A deleted branch deletes (or archives) its data branch
 * if this clone created it (a teammate's is kept, and the user told how to delete it); a renamed branch's data moves
 * to a data branch of the new name first (`renameDataBranch`); a created tag tags the data; a
 * deleted tag deletes the data tag rat created for it (one that was there before is kept). Other updates (commits, HEAD, remotes) are
 * ignored. git may report one deletion twice (packed and loose refs): every step is idempotent. Always exit 0.
 *
 * @example await onReferenceTransaction(io, { state: 'committed', updates: parseRefUpdates(stdin) })
 */
export async function onReferenceTransaction(
  io: GitSyncIO,
  args: { state: string; updates: RefUpdate[] },
): Promise<HookOutcome> {
  if (args.state !== 'committed') return { exitCode: 0 };
  for (const u of args.updates) {
    if (u.ref.startsWith('refs/heads/') && u.newSha === ZERO_SHA) {
      const codeBranch = u.ref.slice('refs/heads/'.length);
      const rename = await renameOf(io, codeBranch, u.oldSha, args.updates);
      if (rename.renaming) {
        const to = rename.to;
        if (!to) {
          io.report.warn(
            `git is renaming "${codeBranch}" but rat could not tell the new name: data branch "${dataBranchFor(codeBranch, io.config)}" is kept. To carry its data over: rat branch create <new data branch> --from ${dataBranchFor(codeBranch, io.config)}`,
          );
          continue;
        }
        await guarded(
          io,
          `moving the data of "${codeBranch}" to "${to}"`,
          { kind: 'rename-branch', codeBranch, toCodeBranch: to },
          async () => reportRenamed(io, await renameDataBranch(io, codeBranch, to)),
        );
        continue;
      }
      await guarded(
        io,
        `removing the data branch of "${codeBranch}"`,
        { kind: 'delete-branch', codeBranch },
        async () => {
          const r = await deleteDataBranch(io, codeBranch);
          if (r.kind === 'deleted') {
            io.report.info(
              `data branch "${r.dataBranch}" ${r.archivedAs ? `archived as tag "${r.archivedAs}" and ` : ''}deleted (was ${r.hash.slice(0, 12)})`,
            );
          } else if (r.kind === 'not-created-here') {
            io.report.info(
              `data branch "${r.dataBranch}" kept (head ${r.hash.slice(0, 12)}): this clone did not create it, so its data is a teammate's or was made elsewhere. To delete it on purpose: rat branch delete ${r.dataBranch}`,
            );
          }
        },
      );
    } else if (u.ref.startsWith('refs/tags/')) {
      const tag = u.ref.slice('refs/tags/'.length);
      if (u.newSha === ZERO_SHA) {
        await guarded(io, `deleting data tag "${tag}"`, { kind: 'delete-tag', tag }, () => untagData(io, tag));
      } else if (u.oldSha === ZERO_SHA) {
        await guarded(io, `tagging the data as "${tag}"`, { kind: 'tag', tag, sha: u.newSha }, () =>
          tagData(io, tag, u.newSha),
        );
      }
    }
  }
  return { exitCode: 0 };
}

/**
 * Whether the deletion of `codeBranch` is half of a rename, and its new name when it can be told: created in the same
 * transaction, else (git's files backend, which writes the new ref after this hook) read from git's command line.
 */
async function renameOf(
  io: GitSyncIO,
  codeBranch: string,
  sha: string,
  updates: RefUpdate[],
): Promise<{ renaming: boolean; to?: string }> {
  const inTransaction = createdInTransaction(updates, sha);
  if (inTransaction) return { renaming: true, to: inTransaction };
  if (!renameInProgress({ fs: io.fs, commonDir: io.commonDir ?? io.gitdir })) return { renaming: false };
  const current = await currentBranch(io);
  for (const words of ancestorCommands()) {
    const to = moveTarget(words, codeBranch, current);
    if (to) return { renaming: true, to };
  }
  return { renaming: true };
}
