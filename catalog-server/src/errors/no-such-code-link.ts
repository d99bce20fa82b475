import { RatError } from './rat-error.ts';

/** No data commit was recorded for a code commit (post-commit never ran for it, or the sha is unknown). */
export class NoSuchCodeLinkError extends RatError {
  readonly code = 'CODE_LINK_NOT_FOUND' as const;

  constructor(sha: string) {
    super(`No data commit is recorded for code commit ${sha}. Record one with \`rat sync\` on that commit.`, { sha });
  }
}
