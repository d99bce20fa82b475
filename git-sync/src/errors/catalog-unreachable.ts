import { GitSyncError } from './git-sync-error.ts';

/** The catalog server did not answer (refused, reset, DNS, timeout). Hooks journal the step and let git proceed. */
export class CatalogUnreachableError extends GitSyncError {
  readonly code = 'CATALOG_UNREACHABLE' as const;

  constructor(url: string, cause: string) {
    super(`Catalog server at ${url} is unreachable (${cause}). Start it, then run \`rat sync\` to catch up.`, {
      url,
      cause,
    });
  }
}
