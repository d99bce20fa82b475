import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The `rat` entry point of this checkout, run with this node: what `npx rat` runs. */
export const RAT_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cli/bin/rat.js');

const run = promisify(execFile);

/**
 * Runs `rat <args>` in `cwd` to completion and returns its exit code, combined output and stdout alone (for `--json`);
 * a non-zero exit is a result to assert on, not an exception.
 *
 * @example const r = await runRat(dir, ['run', '--server', url]); assert.equal(r.code, 0, r.out);
 */
export async function runRat(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; stdout: string }> {
  try {
    const r = await run(process.execPath, [RAT_BIN, ...args], {
      cwd,
      env: { ...process.env, ...env },
      maxBuffer: 1 << 24,
    });
    return { code: 0, out: r.stdout + r.stderr, stdout: r.stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      out: `${e.stdout ?? ''}${e.stderr ?? ''}`,
      stdout: e.stdout ?? '',
    };
  }
}
