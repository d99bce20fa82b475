import { renameDataBranch } from '../rename-data-branch.ts';
import { reportRenamed } from './report-renamed.ts';
import { CatalogRequestFailedError, CatalogUnreachableError } from '../errors/index.ts';
import { ensureDataBranch } from '../ensure-data-branch.ts';
import { mergeDataBranches } from '../merge-data-branches.ts';
import { recordCodeLink } from '../record-code-link.ts';
import { deleteDataBranch } from '../delete-data-branch.ts';
import { tagData, untagData } from './tag-data.ts';
import { copyCodeLink } from './copy-code-link.ts';
import { readJournal, removeJournalEntries, type JournalEntry } from '../state/journal.ts';
import { reportSettled } from './report-settled.ts';
import { settleExistingDataBranch } from '../settle-existing-data-branch.ts';
import type { GitSyncIO } from '../types.ts';

export interface ReplayResult {
  done: JournalEntry[];
  pending: JournalEntry[];
  /** Merges that still conflict and need `rat sync --resolve`. */
  conflicts: JournalEntry[];
}

/**
 * Replays the journal in order. Stops at the first unreachable-server error (the rest would fail the same way);
 * every step is idempotent, so a step that half-happened before is simply confirmed.
 */
export async function replayJournal(
  io: GitSyncIO,
  opts: { resolve?: 'ours' | 'theirs'; existing?: 'reuse' | 'reset'; skipConflicts?: boolean } = {},
): Promise<ReplayResult> {
  // Conflicted merges and pre-existing data branches need a decision (`--resolve`, `--existing`); hooks catching up
  // in passing leave them for `rat sync`.
  const entries = (await readJournal(io)).filter((e) => !(opts.skipConflicts && needsDecision(e)));
  const done: JournalEntry[] = [];
  const conflicts: JournalEntry[] = [];
  let unreachable = false;
  for (const e of entries) {
    if (unreachable) break;
    try {
      const ok = await replayOne(io, e, opts);
      if (ok) done.push(e);
      else conflicts.push(e);
    } catch (err) {
      if (err instanceof CatalogUnreachableError) unreachable = true;
      else if (err instanceof CatalogRequestFailedError && err.status === 400) {
        // The server calls the step itself invalid: retrying can never work, so drop it rather than block the rest.
        io.report.warn(`journal step ${e.kind} (${e.id}) dropped, the server refuses it: ${err.message}`);
        done.push(e);
      } else io.report.warn(`journal step ${e.kind} (${e.id}) failed again: ${(err as Error).message}`);
    }
  }
  await removeJournalEntries(io, new Set(done.map((e) => e.id)));
  const doneIds = new Set(done.map((e) => e.id));
  return { done, pending: entries.filter((e) => !doneIds.has(e.id)), conflicts };
}

/** Entries that only a decision of the user can settle. */
export function needsDecision(e: JournalEntry): boolean {
  return (e.kind === 'merge' && !!e.conflict) || e.kind === 'existing-branch';
}

async function replayOne(
  io: GitSyncIO,
  e: JournalEntry,
  opts: { resolve?: 'ours' | 'theirs'; existing?: 'reuse' | 'reset' },
): Promise<boolean> {
  const resolve = opts.resolve;
  switch (e.kind) {
    case 'existing-branch': {
      if (!opts.existing) {
        io.report.warn(
          `data branch of "${e.codeBranch}" existed before the code branch: run \`rat sync --existing reuse\` (keep its data) or \`rat sync --existing reset\` (fork it again)`,
        );
        return false;
      }
      const r = await settleExistingDataBranch(io, e.codeBranch, opts.existing, {
        fromCodeBranch: e.fromCodeBranch,
        fromSha: e.fromSha,
        expectedHash: e.existingHash,
      });
      reportSettled(io, r);
      return true;
    }
    case 'ensure-branch': {
      const r = await ensureDataBranch(io, e.codeBranch, { fromCodeBranch: e.fromCodeBranch });
      if (r.created) io.report.info(`caught up: data branch "${r.dataBranch}" created from ${r.source}`);
      return true;
    }
    case 'record-link':
      await recordCodeLink(io, e.sha, e.codeBranch);
      io.report.info(`caught up: code commit ${e.sha.slice(0, 12)} linked to data of "${e.codeBranch}"`);
      return true;
    case 'merge': {
      const r = await mergeDataBranches(io, {
        sourceBranch: e.sourceBranch,
        targetBranch: e.targetBranch,
        mergeSha: e.mergeSha,
        resolve,
      });
      if (r.kind === 'rebuild-failed') {
        io.report.warn(
          `data merge of "${r.source}" into "${r.target}" waits: rebuilding ${r.model} failed: ${r.message}; fix the model, commit, and run \`rat sync\` again (or \`--resolve theirs|ours\`)`,
        );
        return false;
      }
      if (r.kind === 'conflict') {
        io.report.warn(
          r.declined
            ? `data merge of "${r.source}" into "${r.target}" on ${r.tables.join(', ')}: not forced (confirm on a terminal, or pass --yes)`
            : `data merge of "${r.source}" into "${r.target}" still conflicts on ${r.tables.join(', ')}: run \`rat sync --resolve theirs\` or \`--resolve ours\``,
        );
        return false;
      }
      if (r.kind === 'merged') {
        io.report.info(`caught up: data of "${r.source}" merged into "${r.target}" (${r.hash.slice(0, 12)})`);
        if (e.mergeSha) await recordCodeLink(io, e.mergeSha, e.targetBranch, r.hash);
      }
      return true;
    }
    case 'delete-branch':
      await deleteDataBranch(io, e.codeBranch);
      return true;
    case 'rename-branch':
      reportRenamed(io, await renameDataBranch(io, e.codeBranch, e.toCodeBranch));
      return true;
    case 'tag':
      await tagData(io, e.tag, e.sha, e.codeBranch);
      return true;
    case 'delete-tag':
      await untagData(io, e.tag);
      return true;
    case 'copy-link':
      await copyCodeLink(io, e.fromSha, e.toSha);
      return true;
  }
}
