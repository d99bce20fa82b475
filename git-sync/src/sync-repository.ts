import { ensureDataBranch, type EnsuredDataBranch } from './ensure-data-branch.ts';
import { findMergeSource } from './find-merge-source.ts';
import { finishPendingMerges } from './finish-pending-merges.ts';
import { DetachedHeadError } from './errors/detached-head.ts';
import { currentBranch, firstParentLog, headSha, localBranchTips, remoteBranchTips } from './git/repo.ts';
import { replayJournal } from './internal/replay-journal.ts';
import { awaitsExistingDecision } from './state/journal.ts';
import { mergeDataBranches, type MergeDataResult } from './merge-data-branches.ts';
import { mergeHints } from './merge-hints.ts';
import { recordCodeLink } from './record-code-link.ts';
import { recordHeadRunData } from './head-run-data.ts';
import type { GitSyncIO } from './types.ts';

export interface SyncOptions {
  /** Merge this code branch's data (a merge request merged on a forge, where no hook ran). */
  merged?: string;
  /**
   * Target of `merged`; defaults to the checked-out branch. On a detached HEAD (a CI checkout) it is also the branch
   * the history scan and pending forge merges are for: HEAD's history is taken as that branch's.
   */
  into?: string;
  /** Settle conflicting tables of journaled or requested merges: `theirs` = source's version, `ours` = target's. */
  resolve?: 'ours' | 'theirs';
  /** Settle a data branch that existed before its code branch: `reuse` it or `reset` it to the fork point. */
  existing?: 'reuse' | 'reset';
  /** How many first-parent commits to scan for merge commits made elsewhere (default 50). */
  depth?: number;
}

export interface SyncReport {
  replayed: number;
  pending: number;
  /** Merges still blocked by conflicts (`source → target: tables`). */
  conflicts: string[];
  ensured?: EnsuredDataBranch;
  merges: Array<MergeDataResult & { mergeSha?: string }>;
  linked: boolean;
}

/**
 * Brings the data in step with the repository after the fact: replays the journal of missed hook steps, makes sure
 * the current branch has its data branch, finishes the forge merges into it that the server's webhook left pending
 * (derived tables to rebuild with this working tree's code, conflicts to settle), merges the data of merge requests
 * merged on a forge (named with `merged`, or found as merge commits in recent first-parent history: `Merge pull
 * request #1 from org/feature`, `Merge branch 'feature' into 'main'`), and records the data link of HEAD. Idempotent: a second run finds every merge done
 * (by the merge sha in the data commit's properties, or because the source is already contained) and does nothing.
 *
 * @example await syncRepository(io, {})                          // CI on the default branch after a forge merge
 * @example await syncRepository(io, { merged: 'feature' })        // squash-merged on the forge
 */
export async function syncRepository(io: GitSyncIO, opts: SyncOptions = {}): Promise<SyncReport> {
  const branch = await currentBranch(io);
  const sha = await headSha(io);
  // The branch whose data this sync brings in step: the checked-out one, or `--into` on a detached HEAD.
  const home = branch ?? opts.into;
  if (!home) throw new DetachedHeadError(sha ?? 'HEAD', await branchAt(io, sha), opts.merged);
  const replay = await replayJournal(io, { resolve: opts.resolve, existing: opts.existing });
  // Another branch's pending `--existing` decision is that branch's: it is warned about, and waits for its checkout.
  const blocking = replay.conflicts.filter((e) => e.kind !== 'existing-branch' || awaitsExistingDecision(e, home));
  const report: SyncReport = {
    replayed: replay.done.length,
    pending: replay.pending.length - replay.conflicts.length,
    conflicts: blocking.map((e) =>
      e.kind === 'merge'
        ? `${e.sourceBranch} → ${e.targetBranch}`
        : e.kind === 'existing-branch'
          ? `data branch of "${e.codeBranch}" existed before it (decide with --existing reuse|reset)`
          : e.kind,
    ),
    merges: [],
    linked: false,
  };
  if (home) report.ensured = await ensureDataBranch(io, home);
  // Merge shas a pending forge merge covers: the history scan below must not report them a second time.
  const handled = new Set<string>();
  if (home) {
    for (const r of await finishPendingMerges(io, home, { resolve: opts.resolve })) {
      if (r.mergeSha) handled.add(r.mergeSha);
      report.merges.push(r);
      if (r.kind === 'conflict' || r.kind === 'rebuild-failed') report.conflicts.push(describeBlocked(r));
    }
  }

  if (opts.merged) {
    const target = opts.into ?? home;
    const r = await mergeDataBranches(io, { sourceBranch: opts.merged, targetBranch: target, resolve: opts.resolve });
    report.merges.push(r);
    if (r.kind === 'conflict' || r.kind === 'rebuild-failed') report.conflicts.push(describeBlocked(r));
  } else if (home && sha) {
    const log = await firstParentLog(io, sha, opts.depth ?? 50);
    for (const c of log.reverse()) {
      if (c.parents.length < 2 || handled.has(c.sha)) continue;
      const hints = mergeHints(c.message);
      const source = await findMergeSource(io, c.parents[1], home, hints);
      if (!source) continue;
      const r = await mergeDataBranches(io, {
        sourceBranch: source,
        targetBranch: home,
        mergeSha: c.sha,
        resolve: opts.resolve,
      });
      report.merges.push({ ...r, mergeSha: c.sha });
      if (r.kind === 'merged') await recordCodeLink(io, c.sha, home, r.hash);
      const blocked = r.kind === 'conflict' || r.kind === 'rebuild-failed';
      const already = report.conflicts.some((c) => c.startsWith(`${blocked ? r.source : ''} → `));
      if (blocked && !already) report.conflicts.push(describeBlocked(r));
    }
  }

  if (branch && sha && !(await io.catalog.getLink(sha))) {
    await recordCodeLink(io, sha, branch);
    report.linked = true;
  } else if ((await recordHeadRunData(io)).kind === 'linked') {
    // A `rat run` of HEAD's committed code whose data did not reach HEAD's link (an older rat, a failed request).
    report.linked = true;
  }
  return report;
}

/**
 * The branch to suggest on a detached HEAD: a local branch at HEAD, else a remote-tracking one (`origin/main` →
 * `main`, what CI fetched), else the default data branch's name (the usual code branch of a one-to-one mapping).
 */
async function branchAt(io: GitSyncIO, sha: string | undefined): Promise<string> {
  for (const [name, tip] of await localBranchTips(io)) if (tip === sha) return name;
  for (const [name, tip] of await remoteBranchTips(io)) if (tip === sha) return name.slice(name.indexOf('/') + 1);
  return io.config.defaultDataBranch;
}

/** One line for a merge that needs a decision or a fix. */
function describeBlocked(r: Extract<MergeDataResult, { kind: 'conflict' | 'rebuild-failed' }>): string {
  if (r.kind === 'rebuild-failed') return `${r.source} → ${r.target}: rebuilding ${r.model} failed: ${r.message}`;
  const tables = (r.blocking ?? r.tables).join(', ');
  if (r.declined) return `${r.source} → ${r.target}: ${tables}: not forced (confirm on a terminal, or pass --yes)`;
  return `${r.source} → ${r.target}: ${tables}`;
}
