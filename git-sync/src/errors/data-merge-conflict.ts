import { GitSyncError } from './git-sync-error.ts';

/** Merging one data branch into another would change the same tables on both sides; nothing was applied. */
export class DataMergeConflictError extends GitSyncError {
  readonly code = 'DATA_MERGE_CONFLICT' as const;
  readonly tables: string[];

  constructor(source: string, target: string, tables: string[]) {
    super(
      `Data of "${source}" conflicts with "${target}" on ${tables.join(', ')}; nothing was merged. ` +
        `Resolve with \`rat sync --resolve theirs\` (take ${source}) or \`--resolve ours\` (keep ${target}).`,
      { source, target, tables },
    );
    this.tables = tables;
  }
}
