import type { PerfSummary } from './perf-profile.ts';
import type { ProfileSummary } from './profile.ts';
import type { Recorder } from './report.ts';

/** What the command line asked for (`--quick`, `--only=…`, `--systems=…`, `--profile`, `--perf`,
 * `--fsync-latency-ms=…`). */
export interface BenchOptions {
  quick: boolean;
  only: Set<string> | null;
  systems: Set<string> | null;
  profile: boolean;
  /** Record our server with Linux `perf` (perf-profile.ts). */
  perf: boolean;
  /** The latency added to every fsync of the run (emulated under strace), undefined on the disk as it is. */
  fsyncLatencyMs: number | undefined;
}

/**
 * What every lane of one bench run shares: the options, the recorder of figures, which lanes and systems to run, and
 * the CPU profiles of our server when `--profile` or `--perf` took them.
 *
 * @example if (ctx.want('merge')) await runMergeLane(ctx.opts.quick ? QUICK_MERGE : FULL_MERGE, ctx.rec)
 */
export interface LaneContext {
  opts: BenchOptions;
  rec: Recorder;
  want: (lane: string) => boolean;
  wantSystem: (system: string) => boolean;
  profile?: ProfileSummary;
  perf?: PerfSummary;
}
