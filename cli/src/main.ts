import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { useSavedCredentials } from '@ratatouille/catalog-client';
import { savedCredentials } from './saved-credentials.ts';
import { COMMANDS } from './commands/index.ts';
import { reportError, wantsJson } from './errors.ts';

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
  // A reader that stops early (`rat log | head`) closes the pipe: the output is no longer wanted, which is no error
  // (a stack trace for it was all the user saw).
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(process.exitCode ?? 0);
    });
  }
  // `rat login` credentials serve every client of this process (commands, hooks, the engine) without env settings.
  useSavedCredentials((server) => savedCredentials(server));
  const json = wantsJson(argv);
  const program = await buildProgram(argv[2]);
  // A usage mistake (an unknown option, `--depth abc`) comes back here instead of exiting, so that with --json it is
  // reported as JSON on stdout like every other error; without --json commander's own message and usage stand.
  const quietWithJson = (cmd: Command): void => {
    cmd.exitOverride();
    // Usage text after the error goes to stderr too: with --json only the JSON error is printed.
    if (json) cmd.configureOutput({ outputError: () => {}, writeErr: () => {} });
    cmd.commands.forEach(quietWithJson);
  };
  quietWithJson(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version end here too, with exit code 0; a usage error was already printed unless --json.
      if (json && err.exitCode !== 0) {
        const message = err.message.replace(/^error: /, '');
        reportError(Object.assign(new Error(message), { code: 'USAGE' }), true);
        process.exitCode = err.exitCode;
      } else process.exitCode = err.exitCode;
      return;
    }
    // One readable line instead of a stack trace (or the JSON error object); RAT_DEBUG=1 adds the stack.
    reportError(err, json);
  }
}
