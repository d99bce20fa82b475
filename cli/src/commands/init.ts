import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { explicitServer, serverOption } from '../server-url.ts';
import { installHooks } from '@ratatouille/hooks';
import {
  DEFAULT_CATALOG_URL,
  ensureDataBranch,
  followedProjectDir,
  hasProjectConfig,
  nearestProjectDir,
  openGitSync,
  readProjectConfig,
  recordCodeLink,
  setCatalogUrl,
  writeProjectConfig,
  type DeletePolicy,
} from '@ratatouille/git-sync';
import { followProject } from '../followed-project.ts';
import { printInstallReport, ratCommand } from './hooks.ts';

interface InitOptions {
  server?: string;
  catalog?: string;
  prefix?: string;
  pipelines?: string;
  onBranchDelete?: string;
  hooks?: boolean;
  force?: boolean;
}

/**
 * `rat init`: writes `rat.yaml` (kept if present), installs the hooks, and puts the current branch in step (its data
 * branch exists, HEAD's data is recorded). Running it twice is harmless.
 */
export function register(program: Command): void {
  program
    .command('init')
    .description('Set up git lockstep in this git repository: write rat.yaml and install the git hooks')
    .addOption(serverOption())
    // The old name of --server, kept for existing scripts.
    .addOption(new Option('--catalog <url>', 'deprecated: use --server').hideHelp())
    .option('--prefix <prefix>', 'data branch name prefix (default: none, names map one to one)')
    .option('--pipelines <dir>', 'pipelines folder', 'pipelines')
    .addOption(
      new Option('--on-branch-delete <policy>', 'what happens to the data branch when its code branch is deleted')
        .choices(['delete', 'archive'])
        .default('delete'),
    )
    .option('--no-hooks', 'write the config only')
    .option('--force', 'move existing user hooks aside (restored by `rat hooks uninstall`)')
    .addHelpText(
      'after',
      '\nExamples:\n  rat init --server http://127.0.0.1:18181   # a server on another port\n' +
        '  rat init --prefix data/ --on-branch-delete archive',
    )
    .action(async (o: InitOptions) => {
      if (o.catalog) process.stderr.write('rat: --catalog is deprecated; use --server instead.\n');
      // A new rat.yaml gets the server the command resolves (flag, then RAT_SERVER); an existing one is changed only by
      // the flag: the environment overrides rat.yaml when read, without rewriting a checked-in file.
      const flag = o.server ?? o.catalog;
      const url = explicitServer(flag) ?? DEFAULT_CATALOG_URL;
      const given = flag === undefined ? undefined : url;
      let dir: string;
      let gitdir: string;
      try {
        dir = execFileSync('git', ['rev-parse', '--show-toplevel'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }).trim();
        // The hooks and their config go to the common dir: the one hooks folder git runs for every worktree.
        gitdir = path.resolve(
          dir,
          execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { encoding: 'utf8' }).trim(),
        );
      } catch {
        // A runtime condition, not a usage mistake: one line with the fix, no usage text.
        throw new Error(
          `${process.cwd()} is not inside a git repository. rat init sets up git lockstep in an existing ` +
            'repository: run `git init` (or cd into your code repository) first.',
        );
      }
      // The project folder: the nearest one up from here, else the one this clone's hooks follow, else here (a
      // monorepo's data project lives in its own folder: `cd analytics && rat init`).
      const cwd = process.cwd();
      const followed = await followedProjectDir({ fs, dir, gitdir });
      const projectDir =
        nearestProjectDir(fs, dir, cwd) ?? (hasProjectConfig(fs, followed) ? followed : path.resolve(cwd));
      const cfg = await writeProjectConfig(
        { fs, dir: projectDir },
        {
          catalogUrl: url,
          branches: { prefix: o.prefix ?? '', map: {}, unprefixed: ['main'] },
          pipelinesDir: o.pipelines,
          onBranchDelete: o.onBranchDelete as DeletePolicy,
        },
      );
      const rel = path.relative(dir, cfg.file);
      if (cfg.written) console.log(`wrote ${rel} (check it in)`);
      else if (given) {
        // An explicit server is what the user wants now: never keep the old URL silently.
        const r = await setCatalogUrl({ fs, dir: projectDir }, given);
        console.log(
          r.changed
            ? `kept existing ${rel}, catalog.url changed: ${r.previous} → ${given} (check it in)`
            : `kept existing ${rel} (catalog ${r.previous})`,
        );
      } else {
        const existing = await readProjectConfig({ fs, dir: projectDir });
        console.log(`kept existing ${rel} (catalog ${existing.catalogUrl}; \`rat init --server URL\` changes it)`);
      }
      if (o.hooks !== false)
        printInstallReport(await installHooks({ dir, gitdir, ratCommand: ratCommand(), force: o.force }));
      followProject(dir, projectDir);

      const io = await openGitSync({ fs, cwd: projectDir, env: process.env });
      const git = (args: string[]) => {
        try {
          return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
        } catch {
          return undefined;
        }
      };
      try {
        const current = git(['symbolic-ref', '--short', '-q', 'HEAD']);
        if (!current) return;
        const ensured = await ensureDataBranch(io, current);
        console.log(
          `data branch "${ensured.dataBranch}" ${ensured.created ? `created from ${ensured.source}` : 'exists'} (${ensured.reference.hash.slice(0, 12)})`,
        );
        // A first setup that finds data already there: on a server shared by several projects, it is another's.
        if (cfg.written && !ensured.created) {
          const [newest] = await io.catalog.history(ensured.dataBranch, 1);
          if (newest)
            console.error(
              `rat: ⚠ data branch "${ensured.dataBranch}" already holds data on this server (newest commit: "${newest.message}"); this repository now shares it. If it is another project's, give this project a server (or --data-dir) of its own.`,
            );
        }
        const head = git(['rev-parse', '-q', '--verify', 'HEAD']);
        if (!head) return;
        const link = await recordCodeLink(io, head, current);
        if (link.dataRef !== ensured.dataBranch) {
          console.log(
            `commit ${head.slice(0, 12)} keeps its data link ${link.dataRef}@${link.dataHash.slice(0, 12)} (a commit of that data branch); your next commit on "${current}" records "${ensured.dataBranch}"'s data`,
          );
        }
      } catch (err) {
        console.error(
          `rat: ⚠ could not reach the catalog yet (${(err as Error).message}); \`rat sync\` will finish the setup.`,
        );
      }
    });
}
