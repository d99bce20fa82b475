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
      assert.ok(thrown instanceof CommanderError, `rat ${path.join(' ')} --help: ${String(thrown)}`);
      assert.equal(thrown.exitCode, 0, `rat ${path.join(' ')} --help: ${thrown.code}`);
      assert.match(out, new RegExp(`Usage: rat${path.length ? ` ${path.join(' ')}` : ''}\\b`));
    }
  });
});
