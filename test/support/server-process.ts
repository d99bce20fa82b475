import { spawn, type ChildProcess } from 'node:child_process';
import { RAT_BIN } from './rat-cli.ts';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Output seen so far (stdout + stderr), for failure messages. */
  output(): string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: the crash case. */
  kill(): Promise<void>;
}

/**
 * Runs the real `rat serve` in a child process on a free port, for tests that must crash or signal the server and for
 * the benchmark (which keeps the load generator off the server's event loop). `nodeFlags` go to node itself (e.g.
 * `--cpu-prof`, which NODE_OPTIONS does not accept); `bin` runs another checkout's `rat` (the bench's before/after
 * comparisons). The child is killed if this process exits first.
 *
 * @example const s = await startServerProcess(['--data-dir', dir]); await fetch(`${s.url}/api/v2/config`)
 */
export async function startServerProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  opts: { nodeFlags?: string[]; bin?: string } = {},
): Promise<ServerProcess> {
  const bin = opts.bin ?? RAT_BIN;
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), bin, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killNow = () => child.kill('SIGKILL');
  process.once('exit', killNow);
  let out = '';
  // Keep the tail only: a server under a long benchmark logs more than a test wants to hold.
  const collect = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const running = () => child.exitCode === null && child.signalCode === null;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.removeListener('exit', killNow);
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`rat serve exited with ${code} before listening:\n${out.slice(-2000)}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    async stop() {
      if (running()) {
        child.kill('SIGTERM');
        // A clean shutdown drains requests; one that hangs is killed rather than left behind.
        const timer = setTimeout(killNow, 15_000);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
    async kill() {
      if (running()) killNow();
      await exited;
    },
  };
}
