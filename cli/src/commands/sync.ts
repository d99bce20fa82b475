import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { envWithServer, serverOption } from '../server-url.ts';
import { followedProjectDir, openGitSync, syncRepository, type GitSyncIO } from '@ratatouille/git-sync';
import { engineRebuild } from '../rebuild.ts';
import { askBeforeForcing } from './merge-loss.ts';
import { wholeNumber } from '../options.ts';

interface SyncCliOptions {
  merged?: string;
  into?: string;
  resolve?: string;
  existing?: string;
  depth: number;
  json?: boolean;
  server?: string;
  yes?: boolean;
}

/**
 * `rat sync`: catch up after the fact — replay steps hooks missed (server down), merge data of merge requests merged
 * on a forge, settle a data conflict left by a fast-forward (`--resolve`). Idempotent. Exit 1 when a conflict or a
 * missed step remains, so CI notices.
 */
export function register(program: Command): void {
  program
    .command('sync')
    .description('Bring data branches in step with git: replay missed steps, merge data of forge-merged branches')
    .addOption(serverOption())
    .option('--merged <branch>', 'merge the data of this (forge-merged) code branch')
    .option(
      '--into <branch>',
      'target code branch for --merged, and on a detached HEAD (CI) the branch whose history HEAD is (default: the checked-out branch)',
    )
    .addOption(
      new Option(
        '--resolve <side>',
        'settle conflicting tables: theirs (take the merged branch) or ours (keep the target)',
      ).choices(['theirs', 'ours']),
    )
    .addOption(
      new Option(
        '--existing <decision>',
        'a data branch that existed before its code branch: reuse it or reset it',
      ).choices(['reuse', 'reset']),
    )
    .option('--depth <n>', 'first-parent commits to scan for merge commits', wholeNumber(1), 50)
    .option('-y, --yes', 'with --resolve theirs: force without asking (what the target loses is still printed)')
    .option('--json', 'print the report as JSON for scripts')
    .addHelpText(
      'after',
      '\nExamples:\n  rat sync                          # replay what the hooks missed\n' +
        '  rat sync --merged feature/x        # after a merge request was merged on the forge\n' +
        '  rat sync --into main               # a detached CI checkout of main',
    )
    .action(async (o: SyncCliOptions) => {
      const io = await openGitSync({ fs, env: envWithServer(o.server) });
      await refuseUnfollowedProject(io);
      io.rebuild = engineRebuild(io);
      if (o.resolve === 'theirs') io.confirmForce = askBeforeForcing(io.config.catalogUrl, o.yes === true);
      const r = await syncRepository(io, {
        merged: o.merged,
        into: o.into,
        resolve: o.resolve as 'ours' | 'theirs' | undefined,
        existing: o.existing as 'reuse' | 'reset' | undefined,
        depth: o.depth,
      });
      // Naming a branch whose data is gone merges nothing: that is not "in step" (a squash merge would lose its data).
      const missingSource = o.merged !== undefined && r.merges.some((m) => m.kind === 'no-source');
      if (o.json) console.log(JSON.stringify(r, null, 2));
      else {
        if (r.replayed) console.log(`replayed ${r.replayed} missed step(s)`);
        if (r.ensured?.created) console.log(`data branch "${r.ensured.dataBranch}" created from ${r.ensured.source}`);
        for (const m of r.merges) {
          if (m.kind === 'merged')
            console.log(
              `merged data of "${m.source}" into "${m.target}" (${m.hash.slice(0, 12)})${m.rebuilt?.length ? `, rebuilt with the merged code: ${m.rebuilt.join(', ')}` : ''}`,
            );
          // Every earlier merge in the history read is found again on each run: named only when asked for.
          else if (m.kind === 'already-merged' && o.merged)
            console.log(`data of "${m.source}" already in "${m.target}"`);
          else if (m.kind === 'no-source' && o.merged)
            console.error(
              `rat: ⚠ no data branch "${m.source}" on the server: nothing of it was merged. Deleting a git branch deletes its data branch (or archives it as tag archive/${m.source}, see \`rat tag list\`); merge that with \`rat merge\`, or check the name.`,
            );
        }
        if (r.linked) console.log('recorded the data of HEAD');
        for (const c of r.conflicts)
          console.error(
            c.includes('not forced')
              ? `rat: ⚠ ${c}`
              : c.includes('--existing')
                ? `rat: ⚠ waiting for a decision: ${c}`
                : c.includes(': rebuilding ')
                  ? `rat: ⚠ data merge waits for a fix: ${c} — fix the model and run \`rat sync\` again`
                  : `rat: ⚠ data conflict remains: ${c} — run \`rat sync --resolve theirs|ours\``,
          );
        if (r.pending) console.error(`rat: ⚠ ${r.pending} step(s) still pending (catalog unreachable?)`);
        if (!r.conflicts.length && !r.pending && !missingSource) console.log('in step');
      }
      if (r.conflicts.length || r.pending || missingSource) process.exitCode = 1;
    });
}

/**
 * `rat sync` records into the clone's one git-sync state (fork points, journal, links) what the hooks do: in a second
 * project of the repository, one the hooks do not follow, it would mix that project's data into the other's.
 */
async function refuseUnfollowedProject(io: GitSyncIO): Promise<void> {
  const here = path.resolve(io.projectDir ?? io.dir);
  const followed = path.resolve(await followedProjectDir(io));
  if (here === followed) return;
  const name = (dir: string) => (path.relative(io.dir, dir) || '.') + '/';
  throw new Error(
    `rat sync keeps in step the rat project the hooks follow (${name(followed)}), not ${name(here)}: run it there, ` +
      'or run `rat hooks install` here to make the hooks follow this one (one project per repository is kept in step).',
  );
}
