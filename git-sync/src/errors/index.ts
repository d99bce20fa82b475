export { GitSyncError } from './git-sync-error.ts';
export { CatalogUnreachableError } from './catalog-unreachable.ts';
export { CatalogRequestFailedError } from './catalog-request-failed.ts';
export { DataMergeConflictError } from './data-merge-conflict.ts';
export { InvalidProjectConfigError } from './invalid-project-config.ts';
export { InvalidServerUrlError } from './invalid-server-url.ts';
export { NotAGitRepositoryError } from './not-a-git-repository.ts';
export { DetachedHeadError } from './detached-head.ts';
