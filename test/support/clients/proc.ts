import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the whole process group after this many ms (a safety net, not an assertion). */
  killAfterMs?: number;
  /** Echo child output to this process's stderr as it arrives (useful for long installs). */
  echo?: boolean;
}

const liveGroups = new Set<number>();
const exitCleanups = new Set<() => void>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const pid of liveGroups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const cleanup of exitCleanups) cleanup();
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

/**
 * Keeps a long-running child's process group (spawned with `detached: true`) from outliving this Node process: the
 * group is killed, then `cleanup` runs, when Node exits or is interrupted. Call the returned function once the child
 * was stopped normally.
 *
 * @example const untrack = trackProcessGroup(child.pid!, () => rmSync(dir, { recursive: true, force: true }));
 */
export function trackProcessGroup(pid: number, cleanup?: () => void): () => void {
  installExitHook();
  liveGroups.add(pid);
  if (cleanup) exitCleanups.add(cleanup);
  return () => {
    liveGroups.delete(pid);
    if (cleanup) exitCleanups.delete(cleanup);
  };
}

/**
 * Runs a command in its own process group and collects its output. The group (e.g. a Python script and the
 * Spark JVM it launched) is killed when the timeout hits and when this Node process exits, so no JVM is left
 * behind by a failing test.
 *
 * @example const r = await runProcess('python3', ['-c', 'print(1)']); r.stdout === '1\n'
 */
export function runProcess(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  installExitHook();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const pid = child.pid;
    if (pid !== undefined) liveGroups.add(pid);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (opts.echo) process.stderr.write(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (opts.echo) process.stderr.write(d);
    });
    const timer =
      opts.killAfterMs !== undefined
        ? setTimeout(() => {
            if (pid !== undefined) {
              try {
                process.kill(-pid, 'SIGKILL');
              } catch {
                // already gone
              }
            }
          }, opts.killAfterMs)
        : undefined;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      if (pid !== undefined) liveGroups.delete(pid);
      reject(err);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (pid !== undefined) {
        // Leftover grandchildren (a JVM whose parent died) go with the group.
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // group already empty
        }
        liveGroups.delete(pid);
      }
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Like {@link runProcess} but throws with the tail of the output when the command does not exit 0. */
export async function runChecked(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await runProcess(cmd, args, opts);
  if (r.code !== 0) {
    const tail = (r.stdout + '\n' + r.stderr).split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.code ?? r.signal}:\n${tail}`);
  }
  return r;
}
