import { RatError } from './rat-error.ts';

/**
 * A commit named as one of a reference's (a merge's `fromHash`, a transplant's `hashesToTransplant`: they come from
 * `fromRefName`) that is neither its head nor reachable from it. `searched` is set when the walk gave up after that many commits, so the
 * commit may lie further down.
 */
export class CommitNotOnReferenceError extends RatError {
  readonly code = 'COMMIT_NOT_ON_REFERENCE' as const;

  constructor(hash: string, ref: string, searched?: number) {
    const where =
      searched === undefined
        ? `is not on the history of "${ref}" (its head or reachable from it)`
        : `is not among the ${searched.toLocaleString('en-US')} newest commits of "${ref}"`;
    const remedy =
      searched === undefined
        ? `List its commits with GET /api/v2/trees/${encodeURIComponent(ref)}/history or \`rat log ${ref}\`.`
        : 'For an older commit, name a reference at it (a tag) as the source.';
    super(`Commit ${hash} ${where}: name commits of the source reference. ${remedy}`, {
      hash,
      ref,
      ...(searched === undefined ? {} : { searched }),
    });
  }
}
