import { RatError } from './rat-error.ts';

const HASH = /^[0-9a-fA-F]{8,64}$/;

/**
 * A branch, tag or commit hash that does not exist. A hash (`main@<hash>`, `@<hash>`) that names no commit gets a
 * message about the commit, not the reference, and `data.kind` says which of the two was missing.
 */
export class NoSuchReferenceError extends RatError {
  readonly code = 'REFERENCE_NOT_FOUND' as const;

  constructor(ref: string) {
    const commit = HASH.test(ref);
    super(
      commit
        ? `No commit "${ref}" in this catalog: a hash after "@" must name a catalog commit. List a branch's commits ` +
            'with GET /api/v2/trees/{branch}/history or `rat log`.'
        : `Reference "${ref}" does not exist. List references with GET /api/v2/trees or ` + '`rat branch list`.',
      { ref, kind: commit ? 'commit' : 'reference' },
    );
  }
}
