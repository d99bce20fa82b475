import { GitSyncError } from './git-sync-error.ts';

/**
 * `rat.yaml` / `.rat.json` is missing, unreadable or has a field of the wrong shape. `fix` is what to do about it:
 * editing the named field for a wrong value (running `rat init` again would keep the file as it is), writing one when
 * there is none.
 */
export class InvalidProjectConfigError extends GitSyncError {
  readonly code = 'INVALID_PROJECT_CONFIG' as const;

  constructor(file: string, reason: string, fix = `Edit ${file} to fix it`) {
    super(`Project config ${file}: ${reason}. ${fix}.`, { file, reason, fix });
  }
}
