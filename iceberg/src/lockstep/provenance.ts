/**
 * Provenance the engine records on what a pipeline writes: in the snapshot summary of every table a model or source
 * step writes, and (run id, code commit, dirty flag) in the commit properties of the run's merge. git-sync, the
 * catalog's merge with rebuild and its lineage read the same names, so they live here once.
 */
export const PROVENANCE = {
  /** The model that wrote the snapshot (`silver.orders`). */
  model: 'rat.model',
  /** The model's file in its project (`silver/orders.sql`). */
  modelFile: 'rat.model-file',
  /** Comma-separated tables a SQL model read; for a source step, its landing path instead. */
  inputs: 'rat.inputs',
  runId: 'rat.run-id',
  /** The git commit of the code that ran. */
  codeCommit: 'rat.code-commit',
  /** `true` when the run's working tree had uncommitted changes: the data is not `codeCommit`'s. */
  codeDirty: 'rat.code-dirty',
} as const;
