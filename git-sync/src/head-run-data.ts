import { dataBranchFor } from '@ratatouille/iceberg/lockstep';
import type { CodeLink, DataLogEntry } from './catalog/data-catalog.ts';
import { currentBranch, headSha } from './git/repo.ts';
import { cacheLink } from './state/links-cache.ts';
import { RUN_PROPS, type GitSyncIO } from './types.ts';

/** What happened on a data branch since the data recorded for a code commit. */
export interface DataSinceLink {
  /**
   * The newest data commit since the link made by a run of this very commit's code with a clean working tree: the
   * data the commit's code produced (a run rebuilds with the commit's code whatever came before it), which its link
   * should name.
   */
  producedByCommit?: string;
  /** Data commits after that (or since the link) that are not such runs: runs of other code, other writers. */
  other: number;
  /** Of `other`, the runs made with uncommitted changes in the working tree (`rat.code-dirty`). */
  dirtyRuns: number;
}

/** How far back the first-parent history is read to find the link's data commit. */
const HISTORY_DEPTH = 500;

/**
 * Classifies the data commits on `link.dataRef` made after `link.dataHash`: the newest that the linked commit's code
 * produced (a `rat run` merge commit naming it in `rat.code-commit`, without `rat.code-dirty`), and what came after.
 *
 * @example const since = await dataSinceLink(io, link); if (since.producedByCommit) …
 */
export async function dataSinceLink(io: GitSyncIO, link: CodeLink): Promise<DataSinceLink> {
  const log = await io.catalog.history(link.dataRef, HISTORY_DEPTH);
  const at = log.findIndex((e) => e.hash === link.dataHash);
  // Not in the history read: the branch's empty first commit (which no log entry is), or older than HISTORY_DEPTH.
  // Either way every entry read is newer, and a run of the commit's own code can only come after the commit anyway.
  const newer = at < 0 ? log : log.slice(0, at);
  const result: DataSinceLink = { other: 0, dirtyRuns: 0 };
  for (const e of newer) {
    if (isCleanRunOf(e, link.sha)) {
      result.producedByCommit = e.hash;
      break;
    }
    result.other++;
    if (e.properties[RUN_PROPS.codeDirty] === 'true') result.dirtyRuns++;
  }
  return result;
}

function isCleanRunOf(e: DataLogEntry, sha: string): boolean {
  return (
    !!e.properties[RUN_PROPS.runId] &&
    e.properties[RUN_PROPS.codeCommit] === sha &&
    e.properties[RUN_PROPS.codeDirty] !== 'true'
  );
}

export type HeadRunDataResult =
  | { kind: 'linked'; link: CodeLink }
  /** HEAD's link already names the data its code produced (or nothing newer is HEAD's). */
  | { kind: 'unchanged' }
  /** HEAD is a commit of another data branch (the fork point of this branch): its link is that branch's, kept. */
  | { kind: 'other-branch'; link: CodeLink }
  /** Detached, no commit yet, or no link at all (post-commit or `rat sync` records that). */
  | { kind: 'not-linked' };

/**
 * After `rat run` (and in `rat sync`): moves HEAD's code link forward to the data that runs of HEAD's committed code
 * produced on its data branch, so that checking the commit out later reads the data its code made. Runs made with
 * uncommitted changes, and writes by anything else, never move it; nor is a link that names another data branch
 * (a commit shared with the branch this one forked from) ever overwritten.
 *
 * @example const r = await recordHeadRunData(io); if (r.kind === 'linked') console.log(r.link.dataHash)
 */
export async function recordHeadRunData(io: GitSyncIO): Promise<HeadRunDataResult> {
  const branch = await currentBranch(io);
  const sha = await headSha(io);
  if (!branch || !sha) return { kind: 'not-linked' };
  const link = await io.catalog.getLink(sha);
  if (!link) return { kind: 'not-linked' };
  if (link.dataRef !== dataBranchFor(branch, io.config)) return { kind: 'other-branch', link };
  const since = await dataSinceLink(io, link);
  if (!since.producedByCommit) return { kind: 'unchanged' };
  const moved = await io.catalog.putLink({ ...link, dataHash: since.producedByCommit });
  await cacheLink(io, moved).catch(() => undefined);
  return { kind: 'linked', link: moved };
}
