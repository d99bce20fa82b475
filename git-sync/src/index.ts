/**
 * git-sync: data branches follow code branches. Public functions take their IO as arguments
 * (`{ fs, dir, gitdir, catalog, config, report }`), isomorphic-git style; the `rat` CLI and the git hook shims are
 * thin callers.
 *
 * For the engine: `resolveDataRef` answers "which data ref should I read right now" (a branch, or a read-only
 * `branch@hash` on a detached checkout).
 */
export { resolveDataRef, type DataRefResolution } from './resolve-data-ref.ts';
export { dataBranchFor, type BranchMapping } from '@ratatouille/iceberg/lockstep';
export { connectionEnv, type ConnectionSettings } from './connection-env.ts';
export { openGitSync, openRepo, type OpenGitSyncOptions } from './open-git-sync.ts';

export { readProjectConfig } from './config/read-project-config.ts';
export {
  followedProjectDir,
  hasProjectConfig,
  nearestProjectDir,
  soleProject,
  PROJECT_CONFIG_KEY,
} from './config/find-project-dir.ts';
export { writeProjectConfig } from './config/write-project-config.ts';
export { setCatalogUrl } from './config/set-catalog-url.ts';
export { parseProjectConfig } from './config/parse-project-config.ts';
export { configDocument } from './config/config-document.ts';
export { serverUrlProblem, describeServerUrlProblem, type ServerUrlProblem } from './config/server-url-problem.ts';
export { defaultProjectConfig, DEFAULT_CATALOG_URL, PROJECT_CONFIG_FILES } from './config/default-project-config.ts';

export { httpDataCatalog, type HttpDataCatalogOptions } from './catalog/http-data-catalog.ts';
export type {
  DataCatalog,
  DataReference,
  DataMergeRequest,
  DataMergeOutcome,
  DataLogEntry,
  CodeLink,
  KeyMergeBehavior,
  MergeSource,
  PendingMerge,
} from './catalog/data-catalog.ts';

export { ensureDataBranch, type EnsuredDataBranch, type EnsureDataBranchOptions } from './ensure-data-branch.ts';
export { settleExistingDataBranch, type SettledExisting } from './settle-existing-data-branch.ts';
export { mergeDataBranches, type MergeDataOptions, type MergeDataResult } from './merge-data-branches.ts';
export { mergeWithRebuild, MERGE_BRANCH_PREFIX, type RebuildMergeResult } from './merge-with-rebuild.ts';
export { deleteDataBranch, type DeleteDataBranchResult } from './delete-data-branch.ts';
export { recordCodeLink } from './record-code-link.ts';
export { recordHeadRunData, dataSinceLink, type HeadRunDataResult, type DataSinceLink } from './head-run-data.ts';
export { workingTreeChanges, fileAtCommit } from './git/working-tree.ts';
export { findCodeLink } from './find-code-link.ts';
export { findMergeSource } from './find-merge-source.ts';
export { mergeHints } from './merge-hints.ts';
export { finishPendingMerges, listPendingMerges, type FinishedMerge } from './finish-pending-merges.ts';
export { syncRepository, type SyncOptions, type SyncReport } from './sync-repository.ts';
export { repositoryStatus, type RepositoryStatus } from './repository-status.ts';

export { onPostCheckout, type PostCheckoutArgs } from './hooks/on-post-checkout.ts';
export { onPostCommit } from './hooks/on-post-commit.ts';
export { onPreMergeCommit } from './hooks/on-pre-merge-commit.ts';
export { onPostMerge } from './hooks/on-post-merge.ts';
export { onReferenceTransaction, parseRefUpdates, type RefUpdate } from './hooks/on-reference-transaction.ts';
export { onPostRewrite, parseRewrites } from './hooks/on-post-rewrite.ts';

export { awaitsExistingDecision, readJournal, type JournalEntry, type JournalStep } from './state/journal.ts';
export * from './errors/index.ts';
export type {
  FsModule,
  GitSyncIO,
  HookOutcome,
  ProjectConfig,
  Reporter,
  DeletePolicy,
  ExistingBranchPolicy,
  DerivedRebuild,
  RebuildRequest,
  RebuildOutcome,
} from './types.ts';
export { PROPS, RUN_PROPS } from './types.ts';
