import { GitSyncError } from './git-sync-error.ts';

/** `rat.yaml` / `.rat.json` is missing, unreadable or has a field of the wrong shape. */
export class InvalidProjectConfigError extends GitSyncError {
  readonly code = 'INVALID_PROJECT_CONFIG' as const;

  constructor(file: string, reason: string) {
    super(`Project config ${file}: ${reason}. Run \`rat init --server <url>\` to write one.`, { file, reason });
  }
}
