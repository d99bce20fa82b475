import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { useSavedCredentials } from '@ratatouille/catalog-client';
import { savedCredentials } from './saved-credentials.ts';
import { COMMANDS } from './commands/index.ts';

/** The version of this CLI, from its package.json. */
function cliVersion(): string {
  const pkg = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/**
 * The program with every command, or only `only`'s when it names one (what `rat <command>` needs), or none for
 * `--version`.
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('rat')
    .description('Ratatouille: git-integrated data versioning (Iceberg REST catalog, git lockstep, pipelines)')
    .version(cliVersion(), '-V, --version', 'print the version')
    .showHelpAfterError();
  // `rat --version` needs no command; `rat <command>` its own; help and anything else all of them.
  const names =
    only === '-V' || only === '--version'
      ? []
      : only !== undefined && Object.hasOwn(COMMANDS, only)
        ? [only]
        : Object.keys(COMMANDS).sort();
  for (const name of names) (await COMMANDS[name]!()).register(program);
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
