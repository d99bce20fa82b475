import type { RenameDataBranchResult } from '../rename-data-branch.ts';
import type { GitSyncIO } from '../types.ts';

/** Tells the user where the data of a renamed code branch went, and what became of the old data branch. */
export function reportRenamed(io: GitSyncIO, r: RenameDataBranchResult): void {
  if (r.kind === 'missing') {
    io.report.info(`no data branch "${r.from}" to carry over; the next checkout or \`rat sync\` creates the new one`);
    return;
  }
  if (r.kind === 'target-exists') {
    io.report.warn(
      `branch renamed, but data branch "${r.to}" already exists (head ${r.hash.slice(0, 12)}): it and "${r.from}" are both kept. To give the renamed branch the data of "${r.from}": rat branch delete ${r.to} && rat branch create ${r.to} --from ${r.from}`,
    );
    return;
  }
  const old =
    r.old.kind === 'deleted'
      ? `data branch "${r.from}" deleted`
      : r.old.kind === 'not-created-here'
        ? `data branch "${r.from}" kept: this clone did not create it (to delete it on purpose: rat branch delete ${r.from})`
        : `data branch "${r.from}" ${r.old.kind === 'protected' ? 'kept (the default data branch)' : 'already gone'}`;
  io.report.info(`branch renamed: data branch "${r.to}" created at "${r.from}"'s head ${r.hash.slice(0, 12)}; ${old}`);
}
