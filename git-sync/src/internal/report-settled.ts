import type { SettledExisting } from '../settle-existing-data-branch.ts';
import type { GitSyncIO } from '../types.ts';

/** Tells the user what became of a data branch that existed before its code branch. */
export function reportSettled(io: GitSyncIO, r: SettledExisting): void {
  if (r.kind === 'reused') io.report.warn(`data branch "${r.dataBranch}" reused as it was (${r.hash.slice(0, 12)})`);
  else if (r.kind === 'reset')
    io.report.warn(
      `data branch "${r.dataBranch}" reset to ${r.why} (${r.to.hash.slice(0, 12)}); its old head ${r.from.slice(0, 12)} is kept as tag "${r.keptAs}"`,
    );
  else io.report.info(`data branch "${r.dataBranch}" no longer exists; the next checkout or \`rat sync\` creates it`);
}
