import assert from 'node:assert/strict';
import { CommanderError, type Command } from 'commander';
import { buildProgram } from './main.ts';

/** Every command below `cmd`, with its path (`runs clean`). */
function commands(cmd: Command, prefix: string[] = []): { path: string[]; cmd: Command }[] {
  return cmd.commands.flatMap((c) => {
    const p = [...prefix, c.name()];
    return [{ path: p, cmd: c }, ...commands(c, p)];
  });
}

/** What `rat <path> --help` prints, and what it threw (commander ends help with an exit it throws here). */
async function runHelp(path: string[]): Promise<{ out: string; thrown: unknown }> {
  const fresh = await buildProgram();
  let out = '';
  const quiet = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
    c.commands.forEach(quiet);
  };
  quiet(fresh);
  const thrown = await fresh.parseAsync(['node', 'rat', ...path, '--help']).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { out, thrown };
}

async function helpOf(path: string[]): Promise<string> {
  return (await runHelp(path)).out;
}

describe('rat --help', function () {
  // Loading every command module imports the engine (DuckDB) and the server once.
  this.timeout(60_000);

  it('every command has a description in the same style (a capitalised verb phrase) and every option one', async () => {
    const all = commands(await buildProgram());
    assert.ok(all.length > 20, `only ${all.length} commands found`);
    for (const { path, cmd } of all) {
      assert.match(cmd.description(), /^[A-Z]/, `rat ${path.join(' ')}: description "${cmd.description()}"`);
      for (const o of cmd.options) {
        assert.match(o.description, /^[a-z0-9-]/, `rat ${path.join(' ')} ${o.flags}: "${o.description}"`);
      }
    }
  });

  it('`rat <command> --help` exits 0 for every command and prints its usage', async () => {
    const program = await buildProgram();
    for (const { path } of [{ path: [] as string[] }, ...commands(program)]) {
      const { out, thrown } = await runHelp(path);
      assert.ok(thrown instanceof CommanderError, `rat ${path.join(' ')} --help: ${String(thrown)}`);
      assert.equal(thrown.exitCode, 0, `rat ${path.join(' ')} --help: ${thrown.code}`);
      assert.match(out, new RegExp(`Usage: rat${path.length ? ` ${path.join(' ')}` : ''}\\b`));
    }
  });

  it('every command a user runs has examples, each a command line of that command with options it has', async () => {
    const leaves = commands(await buildProgram()).filter(
      ({ cmd }) => cmd.commands.length === 0 && !(cmd as unknown as { _hidden: boolean })._hidden,
    );
    for (const { path, cmd } of leaves) {
      const name = `rat ${path.join(' ')}`;
      const help = await helpOf(path);
      const section = /\nExamples:\n((?: {2}.*\n?)+)/.exec(help);
      assert.ok(section, `${name} --help has no Examples section`);
      const lines = section[1]!.trimEnd().split('\n');
      // A default subcommand (`rat runs` for `rat runs list`) may be shown without its name.
      const isDefault = (cmd.parent as unknown as { _defaultCommandName?: string })?._defaultCommandName === cmd.name();
      const flags = new Set(cmd.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
      for (const line of lines) {
        // The command may be fed by a pipe (`printf %s "$S" | rat login …`) or substituted (`eval "$(rat env)"`).
        const command = /(?:^|\| |\$\()(rat\b[^)|]*)/.exec(line.replace(/#.*$/, '').trim())?.[1] ?? line;
        const words = command.trim().split(/\s+/);
        const prefix = ['rat', ...path];
        const short = ['rat', ...path.slice(0, -1)];
        const matches = words.slice(0, prefix.length).join(' ') === prefix.join(' ');
        assert.ok(
          matches || (isDefault && words.slice(0, short.length).join(' ') === short.join(' ')),
          `${name}: "${line}"`,
        );
        for (const w of words.filter((x) => x.startsWith('-'))) {
          assert.ok(flags.has(w.replace(/=.*$/, '')), `${name}: "${line}" uses ${w}, which ${name} does not have`);
        }
      }
    }
  });

  it("rat build is rat run, as dbt's build is its run with seeds, snapshots and tests", async () => {
    assert.equal(await helpOf(['build']), await helpOf(['run']));
    assert.match(await helpOf([]), /run\|build \[options\] \[selector\.\.\.\]/);
  });
});
