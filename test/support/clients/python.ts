import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clientCacheDir, withCacheLock } from './cache.ts';
import { runChecked, runProcess } from './proc.ts';

/** `test/clients/`: the client scripts and their pinned `requirements.txt`. */
export const CLIENT_SCRIPTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'clients');
export const REQUIREMENTS_FILE = path.join(CLIENT_SCRIPTS_DIR, 'requirements.txt');

export interface PythonVenv {
  /** The venv folder. */
  dir: string;
  /** Its interpreter. */
  python: string;
  /** Its `site-packages` folder. */
  sitePackages: string;
}

const MARKER = '.rat-complete';
let cached: Promise<PythonVenv> | undefined;

function basePython(): string {
  return process.env.RAT_PYTHON || 'python3';
}

async function pythonIdentity(python: string): Promise<string> {
  const r = await runChecked(python, [
    '-c',
    'import sys, platform; print(sys.version.split()[0], platform.machine(), sys.implementation.name)',
  ]);
  return r.stdout.trim();
}

async function sitePackagesOf(python: string): Promise<string> {
  const r = await runChecked(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])']);
  return r.stdout.trim();
}

/**
 * Returns a Python venv with the pinned clients of `test/clients/requirements.txt` (PyIceberg, PySpark, DuckDB
 * and its extension wheels, schemathesis), creating it on first use at `$RAT_CACHE_DIR/venv-<hash>`. The hash covers the
 * requirements file and the base interpreter, so changing a pin builds a new venv. Safe to call from parallel
 * processes (a cache lock serialises the install); a half-built venv (no completion marker) is rebuilt.
 *
 * @example const { python } = await ensurePythonVenv(); // ~/.cache/ratatouille/venv-1a2b3c4d5e6f/bin/python
 */
export function ensurePythonVenv(): Promise<PythonVenv> {
  cached ??= (async () => {
    const base = basePython();
    const requirements = readFileSync(REQUIREMENTS_FILE, 'utf8');
    const hash = createHash('sha256')
      .update(requirements)
      .update('\0')
      .update(await pythonIdentity(base))
      .digest('hex')
      .slice(0, 12);
    const dir = path.join(clientCacheDir(), `venv-${hash}`);
    const python = path.join(dir, 'bin', 'python');
    if (!existsSync(path.join(dir, MARKER))) {
      await withCacheLock(`venv-${hash}`, async () => {
        if (existsSync(path.join(dir, MARKER))) return;
        rmSync(dir, { recursive: true, force: true });
        process.stderr.write(`[rat clients] creating Python venv ${dir} (first run takes a few minutes)\n`);
        await runChecked(base, ['-m', 'venv', dir]);
        await runChecked(
          python,
          ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', REQUIREMENTS_FILE],
          { env: { ...process.env, PIP_NO_INPUT: '1' } },
        );
        // Prove the clients import before declaring the venv complete.
        await runChecked(python, [
          '-c',
          'import pyiceberg, pyspark, duckdb, pyarrow, duckdb_extension_iceberg, schemathesis',
        ]);
        writeFileSync(path.join(dir, MARKER), requirements);
      });
    }
    return { dir, python, sitePackages: await sitePackagesOf(python) };
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}

export interface ClientStep {
  ok: boolean;
  value?: unknown;
  error?: { type: string; message: string; traceback?: string };
}

export interface ClientRunResult {
  /** Per-step outcome, in the order the script ran them. */
  steps: Record<string, ClientStep>;
  /** Raw output, for failure messages. */
  stdout: string;
  stderr: string;
  code: number | null;
}

/**
 * Runs `test/clients/<script>` with the venv interpreter. The script receives `config` as JSON in
 * `RAT_CLIENT_CONFIG` and writes `{steps: {...}}` to the file named by `RAT_RESULT_FILE` (see
 * `test/clients/harness.py`). The script's process group (including a Spark JVM) is killed when it ends
 * or when `killAfterMs` passes.
 *
 * @example const r = await runClientScript('pyiceberg_suite.py', { uri: `${server.url}/iceberg` });
 */
export async function runClientScript(
  script: string,
  config: Record<string, unknown>,
  opts: { env?: NodeJS.ProcessEnv; killAfterMs?: number } = {},
): Promise<ClientRunResult> {
  const venv = await ensurePythonVenv();
  const work = mkdtempSync(path.join(os.tmpdir(), 'rat-client-'));
  const resultFile = path.join(work, 'result.json');
  try {
    const r = await runProcess(venv.python, [path.join(CLIENT_SCRIPTS_DIR, script)], {
      cwd: work,
      env: {
        ...process.env,
        ...opts.env,
        PYTHONPATH: CLIENT_SCRIPTS_DIR,
        PYTHONUNBUFFERED: '1',
        RAT_CLIENT_CONFIG: JSON.stringify(config),
        RAT_RESULT_FILE: resultFile,
        RAT_WORK_DIR: work,
      },
      killAfterMs: opts.killAfterMs ?? 540_000,
      echo: process.env.RAT_CLIENT_ECHO === '1',
    });
    let steps: Record<string, ClientStep> = {};
    if (existsSync(resultFile)) {
      steps = (JSON.parse(readFileSync(resultFile, 'utf8')) as { steps: Record<string, ClientStep> }).steps;
    }
    return { steps, stdout: r.stdout, stderr: r.stderr, code: r.code };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
