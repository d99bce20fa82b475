import { describeServerUrlProblem, type ServerUrlProblem } from '../config/server-url-problem.ts';
import { GitSyncError } from './git-sync-error.ts';

/** A catalog server URL given by a flag or the environment cannot be a server root (no scheme, an API path). */
export class InvalidServerUrlError extends GitSyncError {
  readonly code = 'INVALID_SERVER_URL' as const;

  /** `source` says where the URL came from, as the user would write it: `--server`, `RAT_SERVER`. */
  constructor(source: string, url: string, problem: ServerUrlProblem) {
    super(`${describeServerUrlProblem(source, url, problem)}.`, { source, url, ...problem });
  }
}
