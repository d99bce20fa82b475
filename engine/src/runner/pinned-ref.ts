import { EngineError } from '../errors/engine-error.ts';

/**
 * `main@<hash>` (what a detached git checkout reads) split into its branch and commit; undefined for a plain name.
 * Such a ref reads one fixed commit: the management API answers it under `/trees/main@<hash>/…` and the Iceberg REST
 * catalog under `/iceberg/main@<hash>`, but `GET /trees/{name}` takes a plain name only, so callers branch on this.
 *
 * @example pinnedRef('main@1a2b') // { name: 'main', hash: '1a2b' }; pinnedRef('dev') // undefined
 */
export function pinnedRef(ref: string): { name: string; hash: string } | undefined {
  const at = ref.indexOf('@');
  if (at <= 0 || at === ref.length - 1) return undefined;
  return { name: ref.slice(0, at), hash: ref.slice(at + 1) };
}

/** A run (which writes) was pointed at a pinned, read-only ref. */
export class ReadOnlyRefError extends EngineError<'READ_ONLY_REF', { ref: string; branch: string }> {
  constructor(ref: string, branch: string) {
    super(
      'READ_ONLY_REF',
      `Data ref ${ref} is pinned to one commit and read-only: a run writes, so run on a branch ` +
        `(--branch ${branch}, or check out a git branch); \`rat test\` and \`rat runs\` read it as it is.`,
      { ref, branch },
    );
  }
}
