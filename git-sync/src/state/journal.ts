/**
 * The journal of steps a hook could not finish (server unreachable, data conflict after a fast-forward). One JSON
 * object per line in `.git/rat/journal.jsonl` (a linked worktree keeps its own, `.git/worktrees/<name>/rat/`, so a
 * decision pending on one worktree's branch never holds up another); appends are single small writes with O_APPEND
 * so two hooks racing do not interleave. `rat sync` replays it; every step is idempotent, so replaying twice is
 * harmless.
 */
import path from 'node:path';
import { worktreeRatDir, type StateIO } from './rat-dir.ts';

export type JournalStep =
  | { kind: 'ensure-branch'; codeBranch: string; fromCodeBranch?: string }
  | { kind: 'record-link'; sha: string; codeBranch: string }
  | { kind: 'merge'; sourceBranch: string; targetBranch: string; mergeSha?: string; conflict?: boolean }
  | { kind: 'delete-branch'; codeBranch: string }
  /** `git branch -m codeBranch toCodeBranch`: the data follows under the new name. */
  | { kind: 'rename-branch'; codeBranch: string; toCodeBranch: string }
  | { kind: 'tag'; tag: string; sha: string; codeBranch?: string }
  | { kind: 'delete-tag'; tag: string }
  | { kind: 'copy-link'; fromSha: string; toSha: string }
  /** A new code branch found its data branch already there; waits for `rat sync --existing reuse|reset`. */
  | { kind: 'existing-branch'; codeBranch: string; existingHash: string; fromCodeBranch?: string; fromSha?: string };

export type JournalEntry = JournalStep & { id: string; at: string; reason: string };

const FILE = 'journal.jsonl';

/**
 * Whether `e` is the decision still pending for `codeBranch`'s data branch, which existed before the code branch
 * (`rat sync --existing reuse|reset` settles it).
 */
export function awaitsExistingDecision<E extends JournalStep>(
  e: E,
  codeBranch: string | undefined,
): e is E & Extract<JournalStep, { kind: 'existing-branch' }> {
  return e.kind === 'existing-branch' && e.codeBranch === codeBranch;
}

export async function appendJournal(
  io: StateIO,
  step: JournalStep,
  reason: string,
  now = new Date(),
): Promise<JournalEntry> {
  const entry = {
    ...step,
    id: `${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    at: now.toISOString(),
    reason,
  } as JournalEntry;
  await io.fs.promises.mkdir(worktreeRatDir(io), { recursive: true });
  await io.fs.promises.appendFile(path.join(worktreeRatDir(io), FILE), JSON.stringify(entry) + '\n');
  return entry;
}

export async function readJournal(io: StateIO): Promise<JournalEntry[]> {
  let text: string;
  try {
    text = await io.fs.promises.readFile(path.join(worktreeRatDir(io), FILE), 'utf8');
  } catch {
    return [];
  }
  const out: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as JournalEntry);
    } catch {
      // A torn last line (a hook killed mid-write) is skipped rather than blocking every later sync.
    }
  }
  return out;
}

/** Drops the entries whose ids are in `done`, keeping anything appended meanwhile. */
export async function removeJournalEntries(io: StateIO, done: Set<string>): Promise<void> {
  if (done.size === 0) return;
  const file = path.join(worktreeRatDir(io), FILE);
  const keep = (await readJournal(io)).filter((e) => !done.has(e.id));
  const tmp = `${file}.${process.pid}.tmp`;
  await io.fs.promises.writeFile(tmp, keep.map((e) => JSON.stringify(e) + '\n').join(''));
  await io.fs.promises.rename(tmp, file);
}
