import { CatalogUnreachableError, GitSyncError } from '../errors/index.ts';
import { appendJournal, type JournalStep } from '../state/journal.ts';
import type { GitSyncIO } from '../types.ts';

/**
 * Runs one catalog step of a hook. The git operation must never be hurt by the catalog: any failure becomes a loud
 * warning plus a journal entry (when the step can be replayed), never an exception that would fail the hook.
 */
export async function guarded<T>(
  io: GitSyncIO,
  what: string,
  step: JournalStep | undefined,
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const journaled = step
      ? await appendJournal(io, step, reason, io.now?.()).then(
          () => true,
          () => false,
        )
      : false;
    const kind = error instanceof CatalogUnreachableError ? 'skipped' : 'failed';
    io.report.warn(
      [
        `WARNING: ${what} ${kind}: ${reason}`,
        'git went ahead; your code is safe.',
        journaled
          ? 'The step is journaled in .git/rat/journal.jsonl: run `rat sync` to catch up (the next hook also retries it).'
          : 'Run `rat sync` to reconcile.',
      ].join('\n'),
    );
    // Anything that is not one of git-sync's own errors is a bug: keep its stack when asked to.
    if (!(error instanceof GitSyncError) && error instanceof Error && process.env['RAT_DEBUG'])
      io.report.warn(String(error.stack));
    return { ok: false, error };
  }
}
