import type { Command } from 'commander';
import { ManagementApiError, type ManagementClient, type Reference } from '@ratatouille/catalog-client';
import { defaultProjectConfig } from '@ratatouille/git-sync';
import { RatError } from './errors.ts';
import { examples } from './examples.ts';
import { client, printJson, short, withServer, type ServerOpts } from './management.ts';

/** The tag a reset keeps the commits it takes off a branch under: git-sync's default, as its `--existing reset` does. */
const ARCHIVE_PREFIX = defaultProjectConfig().archivePrefix;

/** What `rat branch reset` did. */
export interface BranchReset {
  name: string;
  /** The head the branch had (the compare-and-swap's expected hash). */
  from: string;
  to: string;
  /** Commits that were on the branch and are not on its new head's history (a lower bound when `truncated`). */
  left: number;
  truncated: boolean;
  /** The tag that keeps the old head, when commits left the branch; null for a fast-forward or no move. */
  keptAs: string | null;
}

/**
 * Moves branch `name` from `expected` to the commit `target` names (compare-and-swap: a branch that moved meanwhile
 * is a conflict and nothing changes). When commits leave the branch (its old head is not on the new head's history),
 * the old head is first kept as tag `keepAs` (default `archive/<name>-<hash>`), so nothing it reached is lost to GC
 * and a reset can be undone with another one. A tag already there at that head (an earlier attempt) is fine; one
 * made here is deleted again if the move fails.
 *
 * @example await resetBranch(api, 'main', { type: 'BRANCH', name: 'main', hash: good }, head)
 */
export async function resetBranch(
  api: ManagementClient,
  name: string,
  target: Reference,
  expected: string,
  keepAs?: string,
): Promise<BranchReset> {
  const cmp = await api.compare(`${name}@${expected}`, `${target.name}@${target.hash}`);
  const result = { name, from: expected, to: cmp.toHash, left: cmp.ahead, truncated: cmp.truncated };
  if (cmp.toHash === expected) {
    // Nothing to move, so no compare-and-swap on the server: check the expectation here.
    const head = (await api.getReference(name)).hash;
    if (head !== expected) {
      const message = `branch ${name} is at ${head}, not at the expected ${expected}; nothing changed`;
      throw new RatError('REFERENCE_CONFLICT', message, 2, { name, head, expected });
    }
    return { ...result, keptAs: null };
  }
  let keptAs: string | null = null;
  let made = false;
  if (cmp.ahead > 0 || cmp.truncated) {
    keptAs = keepAs ?? `${ARCHIVE_PREFIX}${name}-${expected.slice(0, 12)}`;
    try {
      await api.createReference(keptAs, 'TAG', { type: 'BRANCH', name, hash: expected });
      made = true;
    } catch (err) {
      const kept = err instanceof ManagementApiError && err.isConflict && (await api.getReference(keptAs)).hash;
      if (kept !== expected) throw err;
    }
  }
  try {
    await api.assignReference(name, expected, { ...target, hash: cmp.toHash }, 'BRANCH');
  } catch (err) {
    if (made && keptAs) await api.deleteReference(keptAs, expected, 'TAG').catch(() => undefined);
    throw err;
  }
  return { ...result, keptAs };
}

/** `rat branch reset <name> --to <ref> | --hash <hash>`. */
export function registerBranchReset(group: Command): void {
  withServer(
    group
      .command('reset <name>')
      .description(
        'Move a branch to another commit (compare-and-swap); commits that leave it are kept as tag archive/<name>-<hash>',
      )
      .option(
        '--to <ref>',
        'branch or tag whose head (or --hash on it) the branch moves to (default: the branch itself)',
      )
      .option('--hash <hash>', 'commit to move to (on --to; alone, a commit of the branch, e.g. from rat log)')
      .option('--expect <hash>', 'the head you expect the branch at (default: its current head)')
      .option('--keep-as <tag>', 'tag that keeps the old head when commits leave the branch')
      .addHelpText(
        'after',
        examples(
          'rat branch reset main --hash <hash from rat log main>   # undo the commits after it (kept as a tag)',
          'rat branch reset feature/x --to main                    # start feature/x again from main',
          'rat branch reset main --to v1 --expect <hash>           # only if main is still at that hash',
        ),
      ),
  ).action(
    async (name: string, opts: ServerOpts & { to?: string; hash?: string; expect?: string; keepAs?: string }) => {
      if (!opts.to && !opts.hash)
        throw new RatError('USAGE', 'say where to move it: --to <ref>, --hash <hash>, or both');
      const api = client(opts);
      const branch = await api.getReference(name);
      if (branch.type !== 'BRANCH') {
        throw new RatError('NOT_A_BRANCH', `${name} is a ${branch.type.toLowerCase()}, not a branch`, 1, { name });
      }
      const base = opts.to ? await api.getReference(opts.to) : branch;
      const target = opts.hash ? { ...base, hash: opts.hash } : base;
      const reset = await resetBranch(api, name, target, opts.expect ?? branch.hash, opts.keepAs);
      if (opts.json) return printJson(reset);
      if (reset.from === reset.to) {
        process.stdout.write(`Branch ${name} is already at ${short(reset.to)}\n`);
        return;
      }
      const via = opts.to ? ` (${opts.to})` : '';
      process.stdout.write(`Reset branch ${name} from ${short(reset.from)} to ${short(reset.to)}${via}\n`);
      if (reset.keptAs) {
        const n = `${reset.left}${reset.truncated ? '+' : ''}`;
        process.stdout.write(
          `${n} commit(s) left the branch; its old head is kept as tag ${reset.keptAs}` +
            ` (rat branch reset ${name} --to ${reset.keptAs} undoes this; rat tag delete ${reset.keptAs} lets GC have them)\n`,
        );
      } else process.stdout.write('Fast-forward: no commit left the branch\n');
    },
  );
}
