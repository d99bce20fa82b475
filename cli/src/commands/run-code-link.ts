/**
 * `rat run` and the code commit that ran: a run of HEAD's committed code moves HEAD's code link to the data it
 * produced (checking the commit out later reads that data); a run of uncommitted changes is said to be one, loudly,
 * because its results are not HEAD's code even though `rat.code-commit` names HEAD.
 */
import type { RunReport } from '@ratatouille/engine';
import { recordHeadRunData, type HeadRunDataResult } from '@ratatouille/git-sync';
import type { EngineTarget } from './engine-target.ts';

const short = (h: string) => h.slice(0, 12);

/** The warning for a run whose working tree differs from HEAD, or undefined when it does not. */
export function uncommittedWarning(t: EngineTarget): string | undefined {
  if (!t.codeCommit || !t.uncommitted.length) return undefined;
  const files =
    t.uncommitted.slice(0, 3).join(', ') + (t.uncommitted.length > 3 ? `, … (${t.uncommitted.length})` : '');
  return (
    `rat: ⚠ uncommitted changes (${files}): this run's results are not the code of HEAD ${short(t.codeCommit)}; ` +
    'they are marked rat.code-dirty and not recorded for HEAD. Commit your changes to record them with your code.'
  );
}

/**
 * After a successful run on the checked-out branch's data branch with a clean working tree: records the run's data
 * as HEAD's link. Returns what happened and a line for the user (undefined when there is nothing to say).
 */
export async function linkRunToHead(
  t: EngineTarget,
  report: RunReport,
): Promise<{ result?: HeadRunDataResult; message?: string }> {
  const ranHeadCode =
    report.status === 'success' && !!t.git && !!t.codeCommit && t.branch === t.codeDataBranch && !t.uncommitted.length;
  if (!ranHeadCode) return {};
  const result = await recordHeadRunData(t.git!);
  if (result.kind === 'linked')
    return { result, message: `commit ${short(t.codeCommit!)} ↔ data ${t.branch}@${short(result.link.dataHash)}` };
  if (result.kind === 'other-branch')
    return {
      result,
      message: `HEAD ${short(t.codeCommit!)} is a commit of "${result.link.dataRef}"'s data (kept); your next commit records the data of "${t.branch}"`,
    };
  return { result };
}
