import { CatalogUnreachableError } from '../errors/index.ts';
import { findMergeSource } from '../find-merge-source.ts';
import { currentBranch, readGitFile, readMergeHeads, resolveSha } from '../git/repo.ts';
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
  if (!target) return { exitCode: 0 };
  try {
    const hints = mergeHints(ctx.reflogAction, await readGitFile(io, 'MERGE_MSG'));
    const mergeHead = await mergedCommit(io, hints, ctx.reflogAction);
    if (!mergeHead) return { exitCode: 0 };
    const source = await findMergeSource(io, mergeHead, target, hints);
    if (!source) return { exitCode: 0 };
    let r = await mergeDataBranches(io, { sourceBranch: source, targetBranch: target, dryRun: true });
    if (r.kind === 'conflict' && io.rebuild) {
      // The merged working tree is here: derived tables are rebuilt with it now, before git writes the merge commit,
      // so that a failing model or data test can still stop the code merge. If the rebuild cannot even start (the
      // merged pipelines do not load, the engine fails), the conflict stands and stops the merge as before.
      const conflict = r;
      r = await mergeDataBranches(io, { sourceBranch: source, targetBranch: target, codeCommit: mergeHead }).catch(
        (err: unknown) => {
          io.report.warn(`could not rebuild the conflicting tables: ${(err as Error).message}`);
          return conflict;
        },
      );
    }
    if (r.kind === 'merged') {
      io.report.info(
        `data of "${r.source}" merged into "${r.target}" in one commit ${r.hash.slice(0, 12)}${r.rebuilt?.length ? `, rebuilt with the merged code: ${r.rebuilt.join(', ')}` : ''}`,
      );
      return { exitCode: 0 };
    }
    if (r.kind === 'rebuild-failed') {
      io.report.warn(
        [
          `merge stopped: rebuilding ${r.model} with the merged code failed: ${r.message}`,
          `git stopped before writing the merge commit; the data of "${r.target}" is untouched.${r.keptBranch ? ` The failed run is kept on data branch ${r.keptBranch}.` : ''}`,
          'Ways out:',
          `  git merge --abort    then fix ${r.model} (or its data tests) on "${source}" and merge again`,
          `  git commit           keep the code merge; the data merge waits: fix the model and run \`rat sync\``,
        ].join('\n'),
      );
      return { exitCode: 1 };
    }
    if (r.kind === 'conflict') {
      const blocking = r.blocking?.length ? r.blocking : r.tables;
      io.report.warn(
        [
          `merge stopped: the DATA of "${r.source}" and "${r.target}" both changed: ${blocking.join(', ')}${r.blocking ? ' (source data or tables no model produces: a rebuild cannot settle them)' : ''}`,
          'git stopped before writing the merge commit; the data is untouched. Ways out:',
          '  git merge --abort    then fix those tables on one branch (or drop the change) and merge again',
          `  git commit           keep the code merge; the data merge waits for \`rat sync --resolve theirs\``,
          `                       (take ${r.source}'s tables) or \`rat sync --resolve ours\` (keep ${r.target}'s)`,
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

/**
 * The commit being merged. git writes MERGE_HEAD only after this hook (unless the merge message is edited), so the
 * names the user typed (`GIT_REFLOG_ACTION` = `merge feature`) are resolved first; `git pull` merges FETCH_HEAD.
 */
async function mergedCommit(io: GitSyncIO, hints: string[], reflogAction?: string): Promise<string | undefined> {
  const [fromFile] = await readMergeHeads(io);
  if (fromFile) return fromFile;
  for (const h of hints) {
    const sha = (await resolveSha(io, h)) ?? (/^[0-9a-f]{40,64}$/.test(h) ? h : undefined);
    if (sha) return sha;
  }
  if (reflogAction?.startsWith('pull')) {
    const fetchHead = await readGitFile(io, 'FETCH_HEAD');
    const line = fetchHead?.split('\n').find((l) => l && !l.includes('not-for-merge'));
    return line?.split('\t')[0];
  }
  return undefined;
}
