import type * as nodeFs from 'node:fs';
import { PROVENANCE, type BranchMapping } from '@ratatouille/iceberg/lockstep';
import type { DataCatalog, MergeSource } from './catalog/data-catalog.ts';

/** The node `fs` module (isomorphic-git takes the same object). Injected so tests can swap it. */
export type FsModule = typeof nodeFs;

/** What to do with a data branch when its code branch is deleted. */
export type DeletePolicy = 'delete' | 'archive';

/**
 * What a new code branch does when a data branch of its name already exists (stale, made by hand, or left from an
 * old code branch): `reuse` it, `reset` it to the data the new branch forks from (its old head kept as a tag), or
 * `fail` (leave it alone and wait for `rat sync --existing reuse|reset`).
 */
export type ExistingBranchPolicy = 'reuse' | 'reset' | 'fail';

/** The checked-in project config (`rat.yaml` or `.rat.json`), with defaults filled in. */
export interface ProjectConfig {
  /** Base URL of the catalog server, e.g. `http://127.0.0.1:8181` (no `/iceberg`, no `/api/v2`). */
  catalogUrl: string;
  /** `branches` in rat.yaml: how code branch names map to data branch names (`dataBranchFor`). */
  branches: BranchMapping;
  /** The catalog's default data branch: the fallback fork point. */
  defaultDataBranch: string;
  /** Folder (relative to the repository root) that holds pipeline definitions, for the engine. */
  pipelinesDir: string;
  /** `git branch -d` deletes the data branch, or keeps its head as tag `<archivePrefix><branch>`. */
  onBranchDelete: DeletePolicy;
  archivePrefix: string;
  /** `on_existing` in rat.yaml. */
  onExisting: ExistingBranchPolicy;
  /**
   * `runs.keepFailed` in rat.yaml: how long the `rat-run-*` branches of failed runs are kept (`14d`, `12h`, `0`); each
   * `rat run` deletes older ones. Unset: kept until `rat runs clean`.
   */
  keepFailedRuns?: string;
  /** `runs.compact` in rat.yaml: every `rat run` compacts the tables it built (as `rat run --compact`). */
  compactRuns?: boolean;
  /** `vars` in rat.yaml: the pipelines' variables (`{{ var('name') }}`), which `rat run --vars` overrides. */
  vars: Record<string, unknown>;
  /**
   * `models` in rat.yaml (dbt_project.yml's `models:`): settings for every model of a layer, or one model, as
   * `+materialized: incremental` under `silver:` (or `silver: { orders: { … } }`); the engine reads them.
   */
  models: Record<string, unknown>;
  /** `dispatch` in rat.yaml (dbt_project.yml's): where `adapter.dispatch()` searches a namespace's macros. */
  dispatch: unknown[];
  /** `data_tests` in rat.yaml (dbt_project.yml's): settings for every data test (where failures are stored). */
  dataTests: Record<string, unknown>;
}

/** What a merge-with-rebuild asks of the engine, on a temporary branch forked from the target. */
export interface RebuildRequest {
  /** The temporary branch: the target plus the source's changes, conflicting tables at the target's version. */
  branch: string;
  /** The source data branch at the merged commit (for the rows of append-only tables). */
  source: MergeSource;
  /** Conflicting tables a model of the merged code produces: rebuilt with everything downstream. */
  derived: string[];
  /** Conflicting engine tables that only ever grow (run records, file registry): the source's rows are appended. */
  appendOnly: string[];
  codeCommit?: string;
}

export type RebuildOutcome =
  { ok: true; rebuilt: string[] } | { ok: false; model: string; message: string; keptBranch?: string };

/**
 * Rebuilds derived tables during a data merge. git-sync never runs pipelines itself: the CLI supplies this from the
 * engine (the merged working tree's pipelines), and without it a conflict on a derived table stays a conflict.
 */
export interface DerivedRebuild {
  /**
   * Splits conflicting tables into derived (a model produces it), append-only engine tables, and the rest.
   * `reingest` names those whose only conflict is an ingest holding landing files both sides ingested together with
   * others (the catalog's conflict kind `shared-ingest`): a source the engine can settle by re-ingesting counts as
   * derived.
   */
  classify(
    tables: string[],
    reingest?: string[],
  ): Promise<{ derived: string[]; appendOnly: string[]; other: string[] }>;
  run(req: RebuildRequest): Promise<RebuildOutcome>;
}

/** Where hooks and commands tell the user what happened. Warnings must be loud: they mean a step was missed. */
export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * The IO every public git-sync function takes, isomorphic-git style: the repository (`fs`, `dir`, `gitdir`), the
 * catalog it talks to, the project config and where to report.
 */
export interface GitSyncIO {
  fs: FsModule;
  /** Working tree root. */
  dir: string;
  /** The `.git` directory (defaults to `<dir>/.git` where a caller builds the IO); a linked worktree's own git dir. */
  gitdir: string;
  /** A linked worktree's common dir (`commondir`: refs, objects, hooks, clone-wide rat state); unset otherwise. */
  commonDir?: string;
  /**
   * The folder holding the project config (`rat.yaml`): `dir`, or a folder below it in a monorepo. `pipelinesDir` is
   * relative to it, and only changes under it make a run's code uncommitted. Unset: `dir`.
   */
  projectDir?: string;
  catalog: DataCatalog;
  config: ProjectConfig;
  report: Reporter;
  /** Clock, injectable for tests. */
  now?: () => Date;
  /** Merge-with-rebuild for conflicts on derived tables (see {@link DerivedRebuild}). */
  rebuild?: DerivedRebuild;
  /**
   * Asked before `resolve: 'theirs'` forces the source's version of conflicting tables over the target's (what the
   * target loses is the caller's to show); false leaves the target untouched. Absent: force without asking (hooks).
   */
  confirmForce?: (force: { source: string; target: string; tables: string[] }) => Promise<boolean>;
}

/** What a hook tells git: 0 lets the git operation proceed (always, except a data conflict before a merge commit). */
export interface HookOutcome {
  exitCode: number;
}

/** Commit properties git-sync writes on data commits it makes, so later runs can recognise them. */
export const PROPS = {
  mergeCommit: 'rat.git.merge-commit',
  sourceBranch: 'rat.git.source-branch',
  targetBranch: 'rat.git.target-branch',
  /** Derived tables a merge rebuilt with the merged code (comma-separated). */
  rebuilt: 'rat.git.rebuilt',
} as const;

/** Commit properties the engine writes on the merge commit of each `rat run`: which code produced the data. */
export const RUN_PROPS = {
  runId: PROVENANCE.runId,
  codeCommit: PROVENANCE.codeCommit,
  /** `true` when the run's working tree had uncommitted changes: its data is not `codeCommit`'s. */
  codeDirty: PROVENANCE.codeDirty,
} as const;
