import os from 'node:os';
import { log, type Recorder } from './report.ts';

/**
 * Runs `fn`, turning a failure into a "skipped" row, so one broken server never ends the run.
 *
 * @example await guarded(rec, 'iceberg', 'reference', () => runIcebergLane('iceberg', target, workload, rec))
 */
export async function guarded(rec: Recorder, lane: string, system: string, fn: () => Promise<void>): Promise<void> {
  const t = performance.now();
  // Lanes run one after another: a background load that changes during the run favours the later ones. Keep it visible.
  rec.notes.push(`load average at the start of ${lane} · ${system}: ${os.loadavg()[0].toFixed(2)}`);
  try {
    await fn();
  } catch (e) {
    rec.skip(lane, system, e instanceof Error ? e.message : String(e));
  }
  log(`  [${lane} · ${system}: ${((performance.now() - t) / 1000).toFixed(1)} s]`);
}
