import type { CodeLink, PendingMerge } from './catalog/data-catalog.ts';
import { listPendingMerges } from './finish-pending-merges.ts';
import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import { currentBranch, headSha } from './git/repo.ts';
import { resolveDataRef, type DataRefResolution } from './resolve-data-ref.ts';
import { readForks } from './state/forks.ts';
import { needsDecision } from './internal/replay-journal.ts';
import { readJournal } from './state/journal.ts';
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
  pendingJournal: number;
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
    if (e.kind === 'existing-branch')
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
  const missed = journal.filter((e) => !needsDecision(e)).length;
  if (missed) problems.push(`${missed} missed step(s) journaled (run \`rat sync\`)`);
  if (sha) {
    status.headLink = await io.catalog.getLink(sha);
    if (codeBranch && !status.headLink)
      problems.push(`no data recorded for HEAD ${sha.slice(0, 12)} (run \`rat sync\`)`);
    if (status.headLink && ref) status.dataChangedSinceCommit = status.headLink.dataHash !== ref.hash;
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

function countUntil(log: Array<{ hash: string }>, stop: Set<string>): number {
  let n = 0;
  for (const e of log) {
    if (stop.has(e.hash)) break;
    n++;
  }
  return n;
}
