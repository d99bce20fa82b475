import { findCodeLink } from '../find-code-link.ts';
import { PROPS, type GitSyncIO } from '../types.ts';

/** What `git revert` writes in the message of the commit it makes (`-m 1` adds ", reversing…" after it). */
const REVERTS = /^This reverts commit ([0-9a-f]{40})\b/m;
/** The property `rat revert` sets on the data commit that undoes another. */
const REVERTS_PROPERTY = 'rat.reverts';

/**
 * After `git revert` of a code merge whose data git-sync merged too: says that the data merge stays (reverting code
 * moves code only) and names the `rat revert` that undoes it, unless the data branch already reverted it. Undoing data
 * is the user's call, so the hook only points at it; a revert of any other commit, or one it cannot look up, says
 * nothing.
 *
 * @example await hintDataRevert(io, 'This reverts commit 1a2b…, reversing\nchanges made to 3c4d….')
 */
export async function hintDataRevert(io: GitSyncIO, message: string): Promise<void> {
  const reverted = REVERTS.exec(message)?.[1];
  if (!reverted) return;
  try {
    const link = await findCodeLink(io, reverted);
    if (!link) return;
    const [merge] = await io.catalog.history(`@${link.dataHash}`, 1);
    if (merge?.properties[PROPS.mergeCommit] !== reverted) return;
    const recent = await io.catalog.history(link.dataRef, 100);
    if (recent.some((e) => e.properties[REVERTS_PROPERTY] === merge.hash)) return;
    const short = merge.hash.slice(0, 12);
    io.report.info(
      [
        `this reverts code merge ${reverted.slice(0, 12)}; the data it merged (commit ${short} on "${link.dataRef}") stays.`,
        `To undo that data too: rat revert ${short} --on ${link.dataRef}`,
      ].join('\n'),
    );
  } catch {
    // Only a hint: an unreachable server or a missing link must not fail the commit's hook.
  }
}
