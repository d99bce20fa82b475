import fs from 'node:fs';
import type { Command } from 'commander';
import { envWithServer, serverOption } from '../server-url.ts';
import { openGitSync, repositoryStatus, type RepositoryStatus } from '@ratatouille/git-sync';
import { examples } from '../examples.ts';

/**
 * `rat status --json`: every key always present, null where the state has no value (detached: no code branch; no
 * data branch: no head; no recorded link…), so scripts can read `.headLink` without first asking whether it exists.
 */
export function statusJson(s: RepositoryStatus) {
  const d = s.data;
  return {
    codeBranch: s.codeBranch ?? null,
    headSha: s.headSha ?? null,
    data: {
      ref: d.ref,
      dataBranch: d.dataBranch,
      hash: d.hash ?? null,
      readOnly: d.readOnly,
      codeBranch: d.codeBranch ?? null,
      codeSha: d.codeSha ?? null,
      approximate: d.approximate,
      why: d.why,
    },
    dataBranchExists: s.dataBranchExists,
    dataHead: s.dataHead ?? null,
    base: s.base ?? null,
    ahead: s.ahead ?? null,
    behind: s.behind ?? null,
    headLink: s.headLink
      ? {
          sha: s.headLink.sha,
          dataRef: s.headLink.dataRef,
          dataHash: s.headLink.dataHash,
          codeBranch: s.headLink.codeBranch ?? null,
        }
      : null,
    dataChangedSinceCommit: s.dataChangedSinceCommit ?? null,
    pendingJournal: s.pendingJournal,
    otherCheckouts: s.otherCheckouts,
    pendingMerges: s.pendingMerges,
    inStep: s.inStep,
    problems: s.problems,
  };
}

/** Why a detached checkout's data is not the data recorded for HEAD itself. */
function approximateNote(s: RepositoryStatus): string {
  const sha = s.headSha?.slice(0, 12) ?? 'HEAD';
  const what =
    s.data.why === 'default-branch'
      ? `no data was recorded for ${sha} nor its recent ancestors: showing the head of "${s.data.dataBranch}"`
      : `no data was recorded for ${sha}: showing its nearest recorded ancestor's`;
  return `approximate: ${what} (a merge made without hooks? \`rat sync\` on its branch records it)`;
}

/**
 * `rat status`: the code branch, its data branch and head, ahead/behind its base, and whether they are in step.
 * Exits 1 while they are not (a data merge left conflicting, a missed step, a data branch waiting for a decision).
 */
export function register(program: Command): void {
  program
    .command('status')
    .description('Show the code branch, its data branch, data head, ahead/behind and whether they are in step')
    .addOption(serverOption())
    .option('--json', 'print JSON for scripts')
    .addHelpText(
      'after',
      examples('rat status', 'rat status --json   # exit code 1 while code and data are out of step'),
    )
    .action(async (o: { json?: boolean; server?: string }) => {
      const io = await openGitSync({ fs, env: envWithServer(o.server) });
      const s = await repositoryStatus(io);
      // Non-zero while code and data are out of step, so that CI (and scripts) notice.
      if (!s.inStep) process.exitCode = 1;
      if (o.json) {
        console.log(JSON.stringify(statusJson(s), null, 2));
        return;
      }
      const short = (h?: string) => (h ? h.slice(0, 12) : '—');
      console.log(`code:  ${s.codeBranch ?? `detached at ${short(s.headSha)}`}`);
      console.log(
        `data:  ${s.data.ref}${s.data.readOnly ? ' (read-only)' : ''}  head ${short(s.dataHead ?? s.data.hash)}`,
      );
      // The hook said so at checkout time; say it here too, or the data shown passes for this commit's own.
      if (s.data.approximate) console.log(`note:  ${approximateNote(s)}`);
      if (s.base) console.log(`base:  ${s.base}  ahead ${s.ahead ?? 0}, behind ${s.behind ?? 0}`);
      if (s.headLink) {
        console.log(
          `HEAD saw data ${short(s.headLink.dataHash)}${s.dataChangedSinceCommit ? ` (data changed since, ${s.dataChangeHint})` : ''}`,
        );
      }
      // Another checkout's journal is synced there (and goes with `git worktree remove`): said, not a problem here.
      for (const o of s.otherCheckouts)
        console.log(`note:  ${o.steps} journaled step(s) wait in the checkout at ${o.worktree}: \`rat sync\` there`);
      console.log(s.inStep ? 'in step' : `OUT OF STEP:\n  ${s.problems.join('\n  ')}`);
    });
}
