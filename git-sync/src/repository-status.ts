import type { CodeLink, PendingMerge } from './catalog/data-catalog.ts';
import { listPendingMerges } from './finish-pending-merges.ts';
import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import { currentBranch, headSha, readMergeHeads } from './git/repo.ts';
import { workingTreeChanges } from './git/working-tree.ts';
import { dataSinceLink } from './head-run-data.ts';
import { resolveDataRef, type DataRefResolution } from './resolve-data-ref.ts';
import { readForks } from './state/forks.ts';
import { needsDecision } from './internal/replay-journal.ts';
import { awaitsExistingDecision, readJournal } from './state/journal.ts';
import { otherCheckoutJournals, type OtherCheckoutJournal } from './state/other-journals.ts';
import type { GitSyncIO } from './types.ts';

export interface RepositoryStatus {
  codeBranch?: string;
  headSha?: string;
  data: DataRefResolution;
  dataBranchExists: boolean;
  dataHead?: string;
  /** The data branch this one forked from (recorded fork point, else the default data branch). */
  base?: string;
  ahead?: number;
  behind?: number;
  /** The data recorded for HEAD by post-commit. */
  headLink?: CodeLink;
  /** Data commits made since HEAD's code commit (uncommitted data work, like a dirty working tree). */
  dataChangedSinceCommit?: boolean;
  /** With `dataChangedSinceCommit`: what records the newer data for a commit, in words the user can follow. */
  dataChangeHint?: string;
  pendingJournal: number;
  /** Steps journaled in the repository's other checkouts (linked worktrees): theirs to sync, not this one's. */
  otherCheckouts: OtherCheckoutJournal[];
  /** Forge merges into this data branch that the server left for `rat sync` (rebuilds, conflicts). */
  pendingMerges: PendingMerge[];
  /** Code and data are in step: the data branch exists, HEAD's link points at it and nothing is journaled. */
  inStep: boolean;
  problems: string[];
}

/**
 * Where the code and its data stand: code branch, data branch and head, ahead/behind against the data branch it
 * forked from, HEAD's recorded data, and whether anything is out of step (missing branch, journaled steps).
 *
 * @example const s = await repositoryStatus(io); console.log(s.inStep ? 'in step' : s.problems.join('\n'))
 */
export async function repositoryStatus(io: GitSyncIO): Promise<RepositoryStatus> {
  const codeBranch = await currentBranch(io);
  const sha = await headSha(io);
  const data = await resolveDataRef(io);
  const journal = await readJournal(io);
  const problems: string[] = [];
  const status: RepositoryStatus = {
    codeBranch,
    headSha: sha,
    data,
    dataBranchExists: false,
    pendingJournal: journal.length,
    otherCheckouts: await otherCheckoutJournals(io),
    pendingMerges: [],
    inStep: false,
    problems,
  };
  const ref = await io.catalog.getReference(data.dataBranch);
  status.dataBranchExists = !!ref;
  status.dataHead = ref?.hash;
  if (!ref) problems.push(`data branch "${data.dataBranch}" does not exist (run \`rat sync\`)`);
  for (const e of journal) {
    if (e.kind === 'merge' && e.conflict)
      problems.push(
        `the data merge of "${e.sourceBranch}" into "${e.targetBranch}" conflicts: the code is merged, the data is not (run \`rat sync\` to see what needs a decision)`,
      );
    // Another branch's decision waits for that branch: `rat status` there says so.
    if (awaitsExistingDecision(e, codeBranch))
      problems.push(
        `data branch of "${e.codeBranch}" existed before the code branch: run \`rat sync --existing reuse\` or \`--existing reset\``,
      );
  }
  if (ref) status.pendingMerges = await listPendingMerges(io, data.dataBranch);
  for (const p of status.pendingMerges) {
    const what = `the forge merge of "${p.sourceBranch}" into "${p.targetBranch}"${p.request !== undefined ? ` (#${p.request})` : ''}`;
    problems.push(
      p.state === 'rebuild'
        ? `${what} is merged except ${p.tables.join(', ')}, which need(s) a rebuild with the merged code (run \`rat sync\` on "${p.targetBranch}")`
        : `${what} is not merged: ${p.blocking.join(', ')} changed on both sides (run \`rat sync --resolve theirs|ours\` on "${p.targetBranch}")`,
    );
  }
  // A merge git stopped before its commit (a data conflict in pre-merge-commit, or a code conflict): neither the
  // code nor the data is merged yet, whatever the data branch looks like.
  if ((await readMergeHeads(io)).length > 0)
    problems.push(
      'a git merge is in progress (not committed): `git merge --abort`, or `git commit` to keep the code merge (a data conflict then waits for `rat sync --resolve theirs|ours`)',
    );
  const missed = journal.filter((e) => !needsDecision(e)).length;
  if (missed) problems.push(`${missed} missed step(s) journaled (run \`rat sync\`)`);
  if (sha) {
    status.headLink = await io.catalog.getLink(sha);
    if (codeBranch && !status.headLink)
      problems.push(`no data recorded for HEAD ${sha.slice(0, 12)} (run \`rat sync\`)`);
    if (status.headLink && ref) status.dataChangedSinceCommit = status.headLink.dataHash !== ref.hash;
    if (status.dataChangedSinceCommit && codeBranch)
      status.dataChangeHint = await dataChangeHint(io, status.headLink!, data.dataBranch, codeBranch, problems);
  }
  if (codeBranch && ref) {
    const fork = (await readForks(io))[codeBranch];
    const base =
      fork?.fromDataBranch ??
      (data.dataBranch !== io.config.defaultDataBranch ? io.config.defaultDataBranch : undefined);
    if (base && base !== data.dataBranch && (await io.catalog.getReference(base))) {
      status.base = base;
      const [mine, theirs] = await Promise.all([
        io.catalog.history(data.dataBranch, 500),
        io.catalog.history(base, 500),
      ]);
      const mineSet = new Set(mine.map((e) => e.hash));
      const theirSet = new Set(theirs.map((e) => e.hash));
      status.ahead = countUntil(mine, theirSet);
      status.behind = countUntil(theirs, mineSet);
    }
  }
  status.inStep = problems.length === 0 && (!codeBranch || dataBranchFor(codeBranch, io.config) === data.dataBranch);
  return status;
}

/**
 * Why the data branch is ahead of HEAD's link, and what records it. Only fixes the user can follow are named: "commit"
 * only when there is something to commit. A run of HEAD's committed code whose data is not linked is out of step.
 */
async function dataChangeHint(
  io: GitSyncIO,
  link: CodeLink,
  dataBranch: string,
  codeBranch: string,
  problems: string[],
): Promise<string> {
  if (link.dataRef !== dataBranch)
    return `HEAD is a commit of "${link.dataRef}"'s data; your next commit on "${codeBranch}" records "${dataBranch}"'s`;
  const since = await dataSinceLink(io, link);
  if (since.producedByCommit)
    problems.push(
      `HEAD ${link.sha.slice(0, 12)}'s code produced data ${since.producedByCommit.slice(0, 12)} but is still linked to ${link.dataHash.slice(0, 12)} (run \`rat sync\` to record it)`,
    );
  if (!since.other) return 'by runs of HEAD';
  const dirtyTree = (await workingTreeChanges(io)).length > 0;
  if (dirtyTree) return 'by uncommitted code: commit your changes to record it';
  return since.dirtyRuns
    ? "by runs of code that was never committed: `rat run` rebuilds it with HEAD's code and records it"
    : "not by HEAD's code: `rat run` rebuilds it with HEAD's code and records it";
}

function countUntil(log: Array<{ hash: string }>, stop: Set<string>): number {
  let n = 0;
  for (const e of log) {
    if (stop.has(e.hash)) break;
    n++;
  }
  return n;
}
