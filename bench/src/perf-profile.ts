import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Where our server's CPU goes as Linux `perf` sees it, kernel and native code included (`--perf`).
 *
 * Why beside the V8 profile (`--profile`, profile.ts): V8's profiler charges time spent in native code and in the
 * kernel to the JavaScript frame that called it, so on the commit path the SQLite transaction looked like one fifth
 * of the serving thread when a third of that was the kernel writing WAL frames, creating the metadata file and
 * fsyncing; and it sees one thread only, while the other threads (the thread pool's fsyncs, V8's compiler and
 * garbage collector, the WAL checkpointer) run on the same two cores as the load generator.
 */
export interface PerfSummary {
  /** Samples over all of the server's threads (at `PERF_HZ` per thread while it runs). */
  samples: number;
  /** Each kind of thread's share of all samples, biggest first. */
  threads: Share[];
  /** Shares of the serving thread's samples by where it was: JS, V8 and node, SQLite, libc, the kernel by system call. */
  servingThread: Share[];
  /** JS functions by their inclusive share of the serving thread's samples (names from `--perf-basic-prof`). */
  jsFunctions: Share[];
}

export interface Share {
  name: string;
  pct: number;
}

/** Samples a second per thread: a few thousand a second over a lane's half minute, summarized in a few seconds. */
const PERF_HZ = 999;

/** Why `perf` cannot record here (not installed, not allowed), or undefined when it can. */
export function perfUnavailable(): string | undefined {
  const r = spawnSync('perf', ['record', '-q', '-o', '/dev/null', '--', 'true'], { encoding: 'utf8' });
  if (r.error) return `perf: ${r.error.message}`;
  return r.status === 0 ? undefined : `perf record failed: ${(r.stderr || '').trim().split('\n')[0]}`;
}

/**
 * Starts recording process `pid` (all its threads, with call graphs) into `file`; `stop()` ends the recording. The
 * process should run with node's `--perf-basic-prof`, so that its compiled JS is named.
 *
 * @example const rec = startPerf(server.pid, file); …workload…; await rec.stop(); const s = await summarizePerf(file, pid)
 */
export function startPerf(pid: number, file: string): { stop(): Promise<void> } {
  const child: ChildProcess = spawn(
    'perf',
    ['record', '-q', '-F', String(PERF_HZ), '-g', '-o', file, '-p', String(pid)],
    // Nothing reads its output: a pipe left unread could fill and stop the recording.
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      child.kill('SIGINT');
      await exited;
    },
  };
}

/**
 * Reads the recording in `file` of process `pid` (whose main thread is its serving thread) and removes the JS symbol
 * map node wrote for it (`/tmp/perf-<pid>.map`). Undefined when `perf script` fails or found no sample.
 */
export async function summarizePerf(file: string, pid: number, top = 15): Promise<PerfSummary | undefined> {
  const threads = new Map<string, number>();
  const where = new Map<string, number>();
  const functions = new Map<string, number>();
  let samples = 0;
  let serving = 0;
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const onSample = (tid: number, frames: Frame[]) => {
    if (frames.length === 0) return;
    samples++;
    if (tid !== pid) {
      add(threads, backgroundThreadOf(frames));
      return;
    }
    serving++;
    add(threads, 'serving thread (event loop)');
    add(where, whereOf(frames));
    for (const name of new Set(frames.filter((f) => f.sym.startsWith('JS:')).map(jsName))) add(functions, name);
  };
  const child = spawn('perf', ['script', '-i', file, '-F', 'tid,ip,sym,dso'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  let tid = -1;
  let frames: Frame[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    const trimmed = line.trim();
    if (trimmed === '') {
      onSample(tid, frames);
      frames = [];
    } else if (/^\d+$/.test(trimmed)) tid = Number(trimmed);
    else frames.push(frameOf(trimmed));
  }
  onSample(tid, frames);
  const status = await exited;
  rmSync(`/tmp/perf-${pid}.map`, { force: true });
  if (status !== 0 || samples === 0) return undefined;
  const shares = (m: Map<string, number>, of: number) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([name, n]) => ({ name, pct: (100 * n) / of }));
  return {
    samples,
    threads: shares(threads, samples),
    servingThread: shares(where, serving),
    jsFunctions: shares(functions, serving).slice(0, top),
  };
}

interface Frame {
  sym: string;
  dso: string;
}

/** One `perf script` frame line: `<ip> <symbol> (<object>)`, the symbol possibly with spaces. */
function frameOf(line: string): Frame {
  const m = /^[0-9a-f]+\s+(.*?)\s+\(([^()]*)\)$/.exec(line);
  return m ? { sym: m[1]!, dso: m[2]! } : { sym: line, dso: '' };
}

/** A non-serving thread's kind, from the frames its sample ran in (all of node's threads are named `node`). */
function backgroundThreadOf(frames: Frame[]): string {
  const has = (re: RegExp) => frames.some((f) => re.test(f.sym));
  if (has(/OptimizingCompileDispatcher|compiler::/)) return 'V8 optimizing compiler';
  if (has(/ConcurrentMarking|Sweeper|Scavenger|PageEvacuation|PointersUpdating|MarkCompact/)) {
    return 'V8 garbage collector (background)';
  }
  if (has(/node::worker::Worker/)) return 'worker threads (WAL checkpoint)';
  if (frames.some((f) => f.sym === 'worker' && f.dso.endsWith('node'))) return 'libuv thread pool (fs, fsync)';
  return 'other threads';
}

/** Where the serving thread was: the innermost frame's code, and for the kernel the system call it serves. */
function whereOf(frames: Frame[]): string {
  const leaf = frames[0]!;
  if (leaf.dso.includes('kernel')) {
    // The outermost system-call entry: the call user code made (an inner one may be a helper it runs).
    let call: string | undefined;
    for (const f of frames) {
      const m = /^(?:__x64_sys_|__do_sys_|ksys_)(\w+)/.exec(f.sym);
      if (m) call = m[1];
    }
    return call ? `kernel: ${call}` : 'kernel: other (interrupts, faults, scheduling)';
  }
  if (leaf.sym.startsWith('JS:') || /perf-\d+\.map$/.test(leaf.dso)) return 'JS (compiled code)';
  if (leaf.dso.includes('better_sqlite3')) return 'SQLite (native)';
  if (/libc\.so|libstdc\+\+/.test(leaf.dso)) return 'libc (memcpy, malloc, …)';
  if (/Builtins_/.test(leaf.sym)) return 'V8 builtins and interpreter';
  if (/Heap|Mark|Sweep|Scaveng|Evacuat|GC/.test(leaf.sym)) return 'V8 garbage collector';
  if (leaf.dso.endsWith('node')) return 'V8 and node runtime';
  return 'other native code';
}

/** `JS:*name file:///…/dist/build-x/src-y.js:5:100` → `name (src-y.js)`: the tier mark and the path dropped. */
function jsName(f: Frame): string {
  const m = /^JS:[*^~+]?(\S*)\s*(\S*)$/.exec(f.sym);
  if (!m) return f.sym;
  const file = m[2]!.replace(/:\d+:\d+$/, '').replace(/^.*\//, '');
  return `${m[1] || '(anonymous)'}${file ? ` (${file})` : ''}`;
}
