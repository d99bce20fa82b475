import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { installHooks, uninstallHooks, type InstallReport } from '@ratatouille/hooks';
import { examples } from '../examples.ts';
import { followProject, projectToFollow } from '../followed-project.ts';

/** The shell command a hook shim runs: this very CLI with this very node, unless `RAT_HOOK_COMMAND` says otherwise. */
export function ratCommand(): string {
  if (process.env['RAT_HOOK_COMMAND']) return process.env['RAT_HOOK_COMMAND'];
  const bin = fileURLToPath(new URL('../../bin/rat.js', import.meta.url));
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `${q(process.execPath)} ${q(bin)}`;
}

async function repoRoot(): Promise<{ dir: string; gitdir: string }> {
  const { execFileSync } = await import('node:child_process');
  const run = (args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  const dir = run(['rev-parse', '--show-toplevel']);
  // The common dir: its hooks folder is the one git runs for every linked worktree too.
  return { dir, gitdir: path.resolve(dir, run(['rev-parse', '--path-format=absolute', '--git-common-dir'])) };
}

/** Prints what an install did; kept user hooks are reported loudly since lockstep is off for them. */
export function printInstallReport(r: InstallReport): void {
  if (r.installed.length) console.log(`hooks installed in ${r.hooksDir}: ${r.installed.join(', ')}`);
  for (const b of r.backedUp)
    console.log(`your ${b.hook} hook was moved to ${b.path} (rat hooks uninstall puts it back)`);
  for (const k of r.kept) {
    console.error(
      `rat: ⚠ ${k.hook}: your own hook ${k.path} was kept, so rat's ${k.hook} step is NOT installed.\n` +
        `rat:   Add \`rat hook ${k.hook} "$@"\` to it, or rerun with --force to move it aside.`,
    );
  }
}

export function register(program: Command): void {
  const hooks = program.command('hooks').description('Install or remove the git hooks that keep data branches in step');
  hooks
    .command('install')
    .description('Install the hook shims (through simple-git-hooks; existing hooks are kept unless --force)')
    .option('--force', 'move existing user hooks aside to <hook>.rat-backup')
    .addHelpText(
      'after',
      examples('rat hooks install', 'rat hooks install --force   # your own hooks are moved aside, not lost'),
    )
    .action(async (o: { force?: boolean }) => {
      const { dir, gitdir } = await repoRoot();
      printInstallReport(await installHooks({ dir, gitdir, ratCommand: ratCommand(), force: o.force }));
      // git runs the hooks at the root: they read the project this clone's config names (a monorepo's analytics/).
      const project = projectToFollow(dir, process.cwd());
      if (project) followProject(dir, project);
    });
  hooks
    .command('uninstall')
    .description("Remove rat's hook shims and restore hooks moved aside by --force")
    .addHelpText('after', examples('rat hooks uninstall'))
    .action(async () => {
      const { dir, gitdir } = await repoRoot();
      const r = uninstallHooks({ dir, gitdir });
      console.log(r.removed.length ? `removed hooks: ${r.removed.join(', ')}` : 'no rat hooks were installed');
      for (const x of r.restored) console.log(`restored your ${x.hook} hook (${x.path})`);
      for (const x of r.foreign) console.log(`left your own ${x.hook} hook alone (${x.path})`);
    });
}
