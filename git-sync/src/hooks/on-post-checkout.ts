import { ensureDataBranch } from '../ensure-data-branch.ts';
import { ZERO_SHA, currentBranch, isRebasing, lastCheckoutMove, readReflog, resolveSha } from '../git/repo.ts';
import { worktreeAddSource } from '../git/worktree-add-source.ts';
import { catchUp } from '../internal/catch-up.ts';
import { guarded } from '../internal/guard.ts';
import { resolveDataRef } from '../resolve-data-ref.ts';
import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import { reportSettled } from '../internal/report-settled.ts';
import { settleExistingDataBranch } from '../settle-existing-data-branch.ts';
import { readForks } from '../state/forks.ts';
import { appendJournal, awaitsExistingDecision, readJournal } from '../state/journal.ts';
import type { GitSyncIO, HookOutcome } from '../types.ts';

export interface PostCheckoutArgs {
  previousHead: string;
  newHead: string;
  /** git's third argument: 1 for a branch checkout, 0 for a file checkout. */
  branchCheckout: boolean;
}

/**
 * post-checkout: the data branch follows the code branch. A branch created by this checkout (`checkout -b`,
 * `switch -c`, `branch x && checkout x`, `worktree add -b`) forks its data from the data head of the branch the user
 * came from (read from HEAD's reflog, `checkout: moving from A to B`; in a new worktree, from the new branch's
 * reflog); an existing branch whose data branch is missing gets it back from its fork point. A detached HEAD only reports which data it reads. Always exit 0: a checkout is never undone.
 *
 * @example await onPostCheckout(io, { previousHead, newHead, branchCheckout: true })
 */
export async function onPostCheckout(io: GitSyncIO, args: PostCheckoutArgs): Promise<HookOutcome> {
  if (!args.branchCheckout || isRebasing(io)) return { exitCode: 0 };
  const branch = await currentBranch(io);
  if (!branch) {
    await guarded(io, 'resolving the data for this detached checkout', undefined, async () => {
      const r = await resolveDataRef(io);
      io.report.info(
        `detached HEAD: reading data ${r.ref} (read-only)${r.approximate ? ' — no data was recorded for this commit; showing the nearest known' : ''}`,
      );
    });
    return { exitCode: 0 };
  }
  await catchUp(io);
  const move = await lastCheckoutMove(io);
  let fromCodeBranch: string | undefined;
  let fromSha: string | undefined;
  if (move && move.to === branch && move.from !== branch && (await isFreshBranch(io, branch, args.newHead))) {
    if (await resolveSha(io, `refs/heads/${move.from}`)) fromCodeBranch = move.from;
    else if (/^[0-9a-f]{7,40}$/.test(move.from)) fromSha = args.previousHead;
  } else if (args.previousHead === ZERO_SHA) {
    // `git worktree add -b` (a new worktree has no HEAD before): the new branch's reflog names its start.
    ({ fromCodeBranch, fromSha } = (await worktreeAddSource(io, branch, args.newHead)) ?? {});
  }
  const fresh = !!(fromCodeBranch || fromSha);
  const known = fresh ? (await readForks(io))[branch] : undefined;
  await guarded(
    io,
    `creating the data branch for "${branch}"`,
    { kind: 'ensure-branch', codeBranch: branch, fromCodeBranch },
    async () => {
      const r = await ensureDataBranch(io, branch, { fromCodeBranch, fromSha });
      if (fresh && !r.created && !r.source && !known && !(await createdFromRemote(io, branch))) {
        await onExistingDataBranch(io, branch, r.reference.hash, { fromCodeBranch, fromSha });
      } else if (r.created) {
        const recreated = (!fromCodeBranch && !fromSha) || !!r.source?.startsWith('its recorded fork point');
        io.report.info(
          `data branch "${r.dataBranch}" ${recreated ? 'was missing: recreated' : 'created'} from ${r.source} (${r.reference.hash.slice(0, 12)})`,
        );
      } else if (r.source) io.report.info(`data branch "${r.dataBranch}" was ${r.source}`);
    },
  );
  return { exitCode: 0 };
}

/**
 * A new code branch found a data branch of its name already there: never tie new code to old data silently. What
 * happens is `on_existing` in rat.yaml; the default (`fail`) leaves the data branch alone, journals the decision for
 * `rat sync --existing reuse|reset` (so `rat status` and `rat run` refuse until then) and says so loudly.
 */
async function onExistingDataBranch(
  io: GitSyncIO,
  branch: string,
  existingHash: string,
  from: { fromCodeBranch?: string; fromSha?: string },
): Promise<void> {
  const dataBranch = dataBranchFor(branch, io.config);
  const policy = io.config.onExisting;
  io.report.warn(
    `data branch "${dataBranch}" already existed (head ${existingHash.slice(0, 12)}) before code branch "${branch}" was created: it is stale or was made by hand (on_existing: ${policy})`,
  );
  if (policy !== 'fail') {
    reportSettled(io, await settleExistingDataBranch(io, branch, policy, { ...from, expectedHash: existingHash }));
    return;
  }
  // Checked out again before the decision: one pending decision per branch (a second would fail once it is made).
  const waiting = (await readJournal(io)).some((e) => awaitsExistingDecision(e, branch));
  if (!waiting)
    await appendJournal(
      io,
      { kind: 'existing-branch', codeBranch: branch, existingHash, ...from },
      'data branch existed before its code branch',
      io.now?.(),
    );
  io.report.warn(
    [
      `the new code is NOT tied to it yet; decide:`,
      `  rat sync --existing reuse    keep its data for "${branch}"`,
      `  rat sync --existing reset    fork it again from the data you came from (its old head is kept as a tag)`,
      `or set on_existing: reuse | reset in rat.yaml for next time.`,
    ].join('\n'),
  );
}

/** A local branch made from a remote-tracking branch (`git checkout feature` for `origin/feature`): its data is the team's. */
async function createdFromRemote(io: GitSyncIO, branch: string): Promise<boolean> {
  const log = await readReflog(io, `refs/heads/${branch}`);
  const m = log[0] && /^branch: Created from (.+)$/.exec(log[0].message);
  if (!m || m[1] === 'HEAD') return false;
  const from = m[1].replace(/^refs\/remotes\//, '');
  return !(await resolveSha(io, `refs/heads/${from}`)) && !!(await resolveSha(io, `refs/remotes/${from}`));
}

/** A branch this very checkout created: its reflog holds only its creation, at the commit now checked out. */
async function isFreshBranch(io: GitSyncIO, branch: string, head: string): Promise<boolean> {
  const log = await readReflog(io, `refs/heads/${branch}`);
  if (log.length === 0) return false;
  return log.length === 1 && log[0].newSha === head && /^branch: Created from /.test(log[0].message);
}
