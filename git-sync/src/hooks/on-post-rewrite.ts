import { guarded } from '../internal/guard.ts';
import { copyCodeLink } from '../internal/copy-code-link.ts';
import type { GitSyncIO, HookOutcome } from '../types.ts';

/** Parses post-rewrite's stdin: `<old-sha> <new-sha> [extra]` per line. Pure. */
export function parseRewrites(stdin: string): Array<{ oldSha: string; newSha: string }> {
  return stdin
    .split('\n')
    .map((l) => l.trim().split(' '))
    .filter((p) => p.length >= 2 && p[0] && p[1])
    .map(([oldSha, newSha]) => ({ oldSha, newSha }));
}

/**
 * post-rewrite (`commit --amend`, `rebase`): each rewritten commit inherits the data link of the commit it replaces,
 * unless it already has one of its own. Always exit 0.
 *
 * @example await onPostRewrite(io, { command: 'rebase', rewrites: parseRewrites(stdin) })
 */
export async function onPostRewrite(
  io: GitSyncIO,
  args: { command: string; rewrites: Array<{ oldSha: string; newSha: string }> },
): Promise<HookOutcome> {
  let copied = 0;
  for (const { oldSha, newSha } of args.rewrites) {
    const r = await guarded(
      io,
      `carrying the data link of ${oldSha.slice(0, 12)} to ${newSha.slice(0, 12)}`,
      { kind: 'copy-link', fromSha: oldSha, toSha: newSha },
      () => copyCodeLink(io, oldSha, newSha),
    );
    if (r.ok && r.value) copied++;
  }
  if (copied) io.report.info(`${args.command}: ${copied} data link(s) carried over to the rewritten commits`);
  return { exitCode: 0 };
}
