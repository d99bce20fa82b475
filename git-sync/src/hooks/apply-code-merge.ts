import { findMergeSource } from '../find-merge-source.ts';
import { guarded } from '../internal/guard.ts';
import { mergeDataBranches } from '../merge-data-branches.ts';
import { recordCodeLink } from '../record-code-link.ts';
import { appendJournal } from '../state/journal.ts';
import type { GitSyncIO } from '../types.ts';

/**
 * After a code merge landed (post-merge, or post-commit of a concluded merge): merge the data of the merged branch
 * atomically, with the merge commit sha in the data commit's properties. When the data conflicts the code stays
 * merged (git gave no chance to stop it), the data stays untouched, and the user gets the command that finishes it.
 */
export async function applyCodeMerge(
  io: GitSyncIO,
  m: { targetBranch: string; mergeSha: string | undefined; mergedSha: string; hints: Array<string | undefined> },
): Promise<void> {
  const hints = m.hints.filter((h): h is string => !!h);
  const source = await findMergeSource(io, m.mergedSha, m.targetBranch, hints).catch(() => undefined);
  if (!source) {
    io.report.info(
      'could not tell which branch was merged; no data merged (run `rat sync --merged <branch>` if needed)',
    );
    return;
  }
  const step = { kind: 'merge' as const, sourceBranch: source, targetBranch: m.targetBranch, mergeSha: m.mergeSha };
  await guarded(io, `merging the data of "${source}" into "${m.targetBranch}"`, step, async () => {
    const r = await mergeDataBranches(io, { sourceBranch: source, targetBranch: m.targetBranch, mergeSha: m.mergeSha });
    switch (r.kind) {
      case 'merged':
        io.report.info(
          `data of "${r.source}" merged into "${r.target}" in one commit ${r.hash.slice(0, 12)}${r.tables.length ? ` (${r.tables.join(', ')})` : ''}${r.rebuilt?.length ? `, rebuilt with the merged code: ${r.rebuilt.join(', ')}` : ''}`,
        );
        if (m.mergeSha) await recordCodeLink(io, m.mergeSha, m.targetBranch, r.hash);
        break;
      case 'conflict':
        await appendJournal(io, { ...step, conflict: true }, `conflict on ${r.tables.join(', ')}`, io.now?.());
        io.report.warn(
          [
            `WARNING: the code is merged but the DATA of "${r.source}" conflicts with "${r.target}" on: ${(r.blocking ?? r.tables).join(', ')}.`,
            `Nothing was merged in the data (no half merge). To finish:`,
            `  rat sync --resolve theirs   # take ${r.source}'s version of those tables`,
            `  rat sync --resolve ours     # keep ${r.target}'s version`,
            `or undo the code merge (git reset --hard ORIG_HEAD) and fix the tables on one branch first.`,
          ].join('\n'),
        );
        break;
      case 'rebuild-failed':
        await appendJournal(io, { ...step, conflict: true }, `rebuilding ${r.model} failed`, io.now?.());
        io.report.warn(
          [
            `WARNING: the code is merged but rebuilding ${r.model} with it failed: ${r.message}`,
            `The data of "${r.target}" is untouched (no half merge).${r.keptBranch ? ` The failed run is kept on data branch ${r.keptBranch}.` : ''}`,
            `Fix ${r.model} (or its data tests), commit, and run \`rat sync\`; or undo the code merge (git reset --hard ORIG_HEAD).`,
          ].join('\n'),
        );
        break;
      case 'already-merged':
        io.report.info(`data of "${r.source}" is already in "${r.target}"`);
        if (m.mergeSha) await recordCodeLink(io, m.mergeSha, m.targetBranch);
        break;
      case 'no-source':
        io.report.info(`no data branch "${r.source}": nothing to merge in the data`);
        if (m.mergeSha) await recordCodeLink(io, m.mergeSha, m.targetBranch);
        break;
      case 'same-branch':
      case 'clean':
        if (m.mergeSha) await recordCodeLink(io, m.mergeSha, m.targetBranch);
        break;
    }
  });
}
