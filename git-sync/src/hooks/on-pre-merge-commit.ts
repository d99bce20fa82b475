import { CatalogUnreachableError } from '../errors/index.ts';
import { findMergeSource } from '../find-merge-source.ts';
import { currentBranch, readGitFile, readMergeHeads } from '../git/repo.ts';
import { mergeHints } from '../merge-hints.ts';
import { mergeDataBranches } from '../merge-data-branches.ts';
import type { GitSyncIO, HookOutcome } from '../types.ts';

/**
 * pre-merge-commit: before git writes a merge commit, dry-run the data merge. A data conflict stops the code merge
 * (exit 1) with the conflicting tables and the ways out; anything else (clean, server down) lets git go on — the
 * post-merge hook or `rat sync` does the real merge.
 *
 * @example const { exitCode } = await onPreMergeCommit(io, { reflogAction: process.env.GIT_REFLOG_ACTION })
 */
export async function onPreMergeCommit(io: GitSyncIO, ctx: { reflogAction?: string } = {}): Promise<HookOutcome> {
  const target = await currentBranch(io);
  const [mergeHead] = await readMergeHeads(io);
  if (!target || !mergeHead) return { exitCode: 0 };
  try {
    const hints = mergeHints(ctx.reflogAction, await readGitFile(io, 'MERGE_MSG'));
    const source = await findMergeSource(io, mergeHead, target, hints);
    if (!source) return { exitCode: 0 };
    const r = await mergeDataBranches(io, { sourceBranch: source, targetBranch: target, dryRun: true });
    if (r.kind === 'conflict') {
      io.report.warn(
        [
          `merge stopped: the DATA of "${r.source}" and "${r.target}" both changed these tables: ${r.tables.join(', ')}`,
          'Nothing was merged, in git or in the data. Ways out:',
          '  git merge --abort                       # then fix those tables on one branch and merge again',
          `  git merge --no-verify ${source}          # merge the code anyway; then \`rat sync --resolve theirs|ours\``,
          "                                          #   takes the source's or keeps the target's version of those tables",
        ].join('\n'),
      );
      return { exitCode: 1 };
    }
    if (r.kind === 'clean') io.report.info(`data merge of "${r.source}" into "${r.target}" checked: clean`);
  } catch (err) {
    const why = err instanceof CatalogUnreachableError ? 'the catalog is unreachable' : (err as Error).message;
    io.report.warn(
      `WARNING: could not check the data merge before committing (${why}); the code merge goes ahead and the data merge is retried after it or by \`rat sync\`.`,
    );
  }
  return { exitCode: 0 };
}
