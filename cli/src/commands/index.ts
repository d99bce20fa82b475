import type { Command } from 'commander';

/** A command module adds its subcommands to the program. */
export interface CommandModule {
  register(program: Command): void;
}

/**
 * Every command module, by the name `rat` is called with (`commands/merge.ts` → `rat merge`). Each is loaded only
 * when needed: git hooks run `rat` on every checkout and commit, and importing every command (DuckDB and the server
 * included) would cost them a second or more each time. The list is written out, not read from the folder, so that the
 * bundle `npm install` builds (see cli/scripts/bundle.ts) holds every command; index.test.ts checks it is complete.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  auth: () => import('./auth.ts'),
  branch: () => import('./branch.ts'),
  'cherry-pick': () => import('./cherry-pick.ts'),
  compact: () => import('./compact.ts'),
  compile: () => import('./compile.ts'),
  deps: () => import('./deps.ts'),
  diff: () => import('./diff.ts'),
  env: () => import('./env.ts'),
  gc: () => import('./gc.ts'),
  hook: () => import('./hook.ts'),
  hooks: () => import('./hooks.ts'),
  init: () => import('./init.ts'),
  lineage: () => import('./lineage.ts'),
  log: () => import('./log.ts'),
  ls: () => import('./ls.ts'),
  login: () => import('./login.ts'),
  merge: () => import('./merge.ts'),
  migrate: () => import('./migrate.ts'),
  released: () => import('./released.ts'),
  revert: () => import('./revert.ts'),
  run: () => import('./run.ts'),
  runs: () => import('./runs.ts'),
  serve: () => import('./serve.ts'),
  show: () => import('./show.ts'),
  source: () => import('./source.ts'),
  status: () => import('./status.ts'),
  sync: () => import('./sync.ts'),
  tag: () => import('./tag.ts'),
  test: () => import('./test.ts'),
};
