import { readJournal } from '../state/journal.ts';
import type { GitSyncIO } from '../types.ts';
import { replayJournal } from './replay-journal.ts';

/** Each hook first retries what earlier hooks missed, so the journal drains as soon as the server is back. */
export async function catchUp(io: GitSyncIO): Promise<void> {
  const journal = await readJournal(io);
  if (journal.length === 0) return;
  const conflicted = journal.filter((e) => e.kind === 'merge' && e.conflict).length;
  if (conflicted) io.report.warn(`${conflicted} data merge(s) wait for \`rat sync --resolve theirs|ours\``);
  if (conflicted === journal.length) return;
  try {
    const r = await replayJournal(io, { skipConflicts: true });
    if (r.pending.length > 0 && r.done.length === 0) return;
    if (r.pending.length > 0) io.report.warn(`${r.pending.length} journaled step(s) still pending; run \`rat sync\``);
  } catch {
    // Catching up is best effort; the hook's own step reports problems loudly.
  }
}
