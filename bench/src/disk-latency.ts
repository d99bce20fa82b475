import { spawnSync } from 'node:child_process';

/** Set in the run `--fsync-latency-ms` starts under strace: the latency it adds (reported there, not added again). */
const ENV = 'RAT_BENCH_FSYNC_LATENCY_MS';

/**
 * The fsync latency this run emulates (`--fsync-latency-ms`), undefined for a run on the disk as it is.
 *
 * @example const added = emulatedFsyncLatencyMs(); if (added) log(`fsync +${added} ms (emulated)`)
 */
export function emulatedFsyncLatencyMs(): number | undefined {
  const ms = Number(process.env[ENV]);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/**
 * Runs this bench again, with the same node flags and arguments, under `strace`, which holds every `fsync` and
 * `fdatasync` of every process of the run (the floors, our server, the JVMs, versitygw, PostgreSQL) `ms` milliseconds
 * longer before it returns: the disk of a machine whose flushes cost that much more (a network block volume flushes
 * in 0.5–3 ms; this machine's disk in about 0.3). Only those two calls stop in strace (seccomp filter); nothing else
 * of the run is slowed. Exits with the run's status.
 *
 * Why: the catalog targets are ratios to a disk floor. Where flushing is nearly free the floor is high and a commit's
 * CPU decides every ratio; this shows the same code where the disk is what a commit waits for.
 */
export function rerunWithFsyncLatency(ms: number, args: string[]): never {
  if (!(ms > 0)) throw new Error(`--fsync-latency-ms needs a positive number of milliseconds, got "${ms}".`);
  const probe = spawnSync('strace', ['-V'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error('--fsync-latency-ms runs the bench under strace, which is not installed (apt-get install strace).');
  }
  const delayUs = Math.round(ms * 1000);
  const strace = ['-f', '-qq', '--seccomp-bpf', '-o', '/dev/null', '-e', 'trace=fsync,fdatasync'];
  strace.push('-e', `inject=fsync,fdatasync:delay_exit=${delayUs}`);
  const node = [...process.execArgv, process.argv[1]!, ...args];
  const run = spawnSync('strace', [...strace, process.execPath, ...node], {
    stdio: 'inherit',
    env: { ...process.env, [ENV]: String(ms) },
  });
  if (run.error) throw run.error;
  process.exit(run.status ?? 1);
}
