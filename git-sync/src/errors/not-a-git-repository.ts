import { GitSyncError } from './git-sync-error.ts';

/** The directory is not inside a git working tree. */
export class NotAGitRepositoryError extends GitSyncError {
  readonly code = 'NOT_A_GIT_REPOSITORY' as const;

  constructor(dir: string) {
    super(`${dir} is not inside a git repository. Run \`git init\` first, or cd into your code repository.`, { dir });
  }
}
