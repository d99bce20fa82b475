import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { useSavedCredentials } from '@ratatouille/catalog-client';
import { savedCredentials } from './saved-credentials.ts';

/** A command module in `commands/` adds its subcommands to the program; `main` finds them by listing the folder. */
export interface CommandModule {
  register(program: Command): void;
}

/**
 * Loads the command modules. A command lives in the file of its name (`commands/merge.ts` → `rat merge`), so when
 * `only` names one, just that module is imported: git hooks run `rat` on every checkout and commit, and importing
 * every command (DuckDB included) would cost them a second or more each time.
 */
/** The version of this CLI, from its package.json. */
function cliVersion(): string {
  const pkg = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('rat')
    .description('Ratatouille: git-integrated data versioning (Iceberg REST catalog, git lockstep, pipelines)')
    .version(cliVersion(), '-V, --version', 'print the version')
    .showHelpAfterError();
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
  const files = only && all.includes(`${only}.ts`) ? [`${only}.ts`] : all;
  for (const file of files) {
    const mod = (await import(path.join(dir, file))) as Partial<CommandModule>;
    mod.register?.(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `rat login` credentials serve every client of this process (commands, hooks, the engine) without env settings.
  useSavedCredentials((server) => savedCredentials(server));
  const program = await buildProgram(argv[2]);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    // One readable line instead of a stack trace; RAT_DEBUG=1 keeps the stack for bug reports.
    const e = err as NodeJS.ErrnoException;
    const hint = e.code === 'EADDRINUSE' ? ' (the port is taken: pick another with --port, or --port 0)' : '';
    // A server's refusal reads `POST <url> → 400 BAD_REQUEST: <reason>`: the reason is what the user needs.
    const message = (e.message ?? String(err)).replace(/^[A-Z]+ \S+ → /, '');
    console.error(`rat: ${message}${hint}`);
    if (process.env['RAT_DEBUG'] === '1') console.error(err);
    process.exitCode = 1;
  }
}
