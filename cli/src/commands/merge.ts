import type { Command } from 'commander';
import { Option } from 'commander';
import type { ManagementClient, MergeResponse, Reference } from '@ratatouille/catalog-client';
import { client, keyOption, keyText, printJson, short, withServer, type ServerOpts } from '../management.ts';
import { confirm, forcedLosses } from './merge-loss.ts';
import { RatError } from '../errors.ts';
import { examples } from '../examples.ts';

interface MergeOpts extends ServerOpts {
  into?: string;
  dryRun?: boolean;
  strategy: 'normal' | 'force' | 'drop';
  force?: string[];
  drop?: string[];
  message?: string;
  yes?: boolean;
}

/**
 * One line per key: a marker (R = both sides changed it and the catalog merged the content, F = forced to the
 * source, K = the target's kept, blank = taken from the source, or already the same there) and, for merged tables,
 * what was replayed.
 *
 * @example detailLine({ key, mergeBehavior: 'NORMAL', outcome: 'RESOLVED', resolution: { summary: 'replayed 1 snapshot' } })
 * // → '  R  db.orders: replayed 1 snapshot'
 */
export function detailLine(d: MergeResponse['details'][number]): string {
  // Not `D` for a dropped change: next to `rat diff`'s A/M/D it would read as a deleted table.
  const marker =
    d.outcome === 'RESOLVED' ? 'R' : d.mergeBehavior === 'FORCE' ? 'F' : d.mergeBehavior === 'DROP' ? 'K' : ' ';
  const what =
    d.resolution?.summary ??
    (d.mergeBehavior === 'FORCE'
      ? "source's version"
      : d.mergeBehavior === 'DROP'
        ? "target's version kept"
        : d.outcome === 'IDENTICAL'
          ? 'already the same on the target'
          : '');
  return `  ${marker}  ${keyText(d.key)}${what ? `: ${what}` : ''}`;
}

/** `rat merge <source> [--into <branch>]`: merges a branch (or tag) into a branch as one merge commit. */
export function register(program: Command): void {
  withServer(
    program
      .command('merge <source>')
      .description('Merge a data branch into another (default: into the default branch); conflicts exit with code 2')
      .option('--into <branch>', 'target branch (default: the server default branch)')
      .option('--dry-run', 'report what would happen, change nothing')
      .addOption(
        new Option(
          '--strategy <mode>',
          'for every key changed on both sides: normal (conflict), force (take source), drop (keep target)',
        )
          .choices(['normal', 'force', 'drop'])
          .default('normal'),
      )
      .option('--force <key...>', 'keys for which the source wins (db.t; .db.a*.b when a name holds a dot)')
      .option('--drop <key...>', 'keys for which the target is kept (same key syntax as --force)')
      .option('-m, --message <text>', 'merge commit message')
      .option('-y, --yes', 'force without asking (what the target loses is still printed)')
      .addHelpText(
        'after',
        examples(
          'rat merge feature/x                           # into the default branch',
          'rat merge feature/x --into dev --dry-run',
          'rat merge feature/x --force db.orders --yes   # feature/x wins on db.orders',
        ),
      ),
  ).action(async (source: string, opts: MergeOpts) => {
    const api = client(opts);
    const into = opts.into ?? (await api.getConfig()).defaultBranch;
    const [from, target] = await Promise.all([api.getReference(source), api.getReference(into)]);
    const keyModes = [
      ...(opts.force ?? []).map((k) => ({ key: keyOption(k), mergeBehavior: 'FORCE' as const })),
      ...(opts.drop ?? []).map((k) => ({ key: keyOption(k), mergeBehavior: 'DROP' as const })),
    ];
    if (!(await confirmForced(api, opts, into, target, from))) {
      throw new RatError('NOT_CONFIRMED', 'nothing merged; confirm on a terminal or pass --yes', 2);
    }
    const result = await api.merge(into, target.hash, from, {
      dryRun: opts.dryRun ?? false,
      returnConflictAsResult: true,
      defaultKeyMergeMode: opts.strategy.toUpperCase() as 'NORMAL' | 'FORCE' | 'DROP',
      ...(keyModes.length ? { keyMergeModes: keyModes } : {}),
      ...(opts.message ? { message: opts.message } : {}),
    });
    const conflicts = result.details.filter((d) => d.conflict);
    if (!result.wasSuccessful) process.exitCode = 2;
    if (opts.json) return printJson(result);
    if (!result.wasSuccessful) {
      process.stdout.write(`Merge of ${source} into ${into} has ${conflicts.length} conflict(s); nothing changed:\n`);
      for (const d of conflicts) process.stdout.write(`  C  ${keyText(d.key)}: ${d.conflict!.message}\n`);
      process.stdout.write('Resolve on the source, or retry with --force <key> / --drop <key> / --strategy.\n');
      return;
    }
    if (!result.wasApplied && !opts.dryRun) {
      process.stdout.write(`Already up to date: ${into} contains ${source} (${short(from.hash)}).\n`);
      return;
    }
    const verb = opts.dryRun ? 'Would merge' : 'Merged';
    process.stdout.write(`${verb} ${source} (${short(from.hash)}) into ${into}`);
    process.stdout.write(opts.dryRun ? '\n' : ` → ${short(result.resultantTargetHash)}\n`);
    for (const d of result.details) process.stdout.write(`${detailLine(d)}\n`);
  });
}

/**
 * A merge that forces the source over keys the target also changed first says what the target loses on each and
 * asks (on a terminal) unless `--yes`; true when the merge may go ahead.
 */
async function confirmForced(
  api: ManagementClient,
  opts: MergeOpts,
  into: string,
  target: Reference,
  from: Reference,
): Promise<boolean> {
  const forced = new Set(opts.force ?? []);
  const dropped = new Set(opts.drop ?? []);
  if (opts.dryRun || (opts.strategy !== 'force' && forced.size === 0)) return true;
  const losses = await forcedLosses(
    api,
    opts.server,
    into,
    target,
    from,
    (k) => !dropped.has(k) && (opts.strategy === 'force' || forced.has(k)),
  );
  if (losses.length === 0) return true;
  const out = opts.json ? process.stderr : process.stdout;
  out.write(`Forcing ${from.name} over ${into} drops from ${into}:\n`);
  for (const l of losses) out.write(`  !  ${l.key}: ${l.text}\n`);
  return opts.yes === true || (await confirm('Merge anyway?'));
}
