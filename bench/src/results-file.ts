import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FULL_API, QUICK_API } from './api-v2-lane.ts';
import { FULL_GROUP, QUICK_GROUP } from './group-commit-lane.ts';
import { FULL_ICEBERG, QUICK_ICEBERG } from './iceberg-lane.ts';
import type { MachineInfo } from './machine.ts';
import type { PerfSummary } from './perf-profile.ts';
import type { ProfileSummary } from './profile.ts';
import { RATIO_PAIRS, type Recorder } from './report.ts';
import { FULL_SCALE, QUICK_SCALE } from './scale-lane.ts';
import type { BenchSummary } from './summary.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** One finished run, as `writeResults` saves it. */
export interface BenchRun {
  quick: boolean;
  /** Added to every fsync of the run (`--fsync-latency-ms`); named in the file's mode. */
  fsyncLatencyMs?: number;
  started: Date;
  elapsedSeconds: number;
  info: MachineInfo;
  rec: Recorder;
  summary: BenchSummary;
  profile?: ProfileSummary;
  perf?: PerfSummary;
}

/**
 * Writes every figure of a run with the machine, the workloads and the summary to
 * `bench/results/<time>-<mode>.json` (mode: `quick` or `full`, then `-fsync+<N>ms` under `--fsync-latency-ms`), and
 * its tables to the `.md` beside it; answers the JSON file's path.
 *
 * @example log(`results: ${await writeResults(run)}`)
 */
export async function writeResults(run: BenchRun): Promise<string> {
  const { quick, started, rec, summary } = run;
  const outDir = path.join(HERE, '..', 'results');
  mkdirSync(outDir, { recursive: true });
  const mode = `${quick ? 'quick' : 'full'}${run.fsyncLatencyMs ? `-fsync+${run.fsyncLatencyMs}ms` : ''}`;
  const outFile = path.join(outDir, `${started.toISOString().replace(/[:.]/g, '-')}-${mode}.json`);
  const json =
    JSON.stringify(
      {
        mode,
        emulatedFsyncLatencyMs: run.fsyncLatencyMs,
        startedAt: started.toISOString(),
        elapsedSeconds: run.elapsedSeconds,
        machine: { ...run.info, loadAvgAtEnd: os.loadavg() },
        workloads: {
          iceberg: quick ? QUICK_ICEBERG : FULL_ICEBERG,
          api: quick ? QUICK_API : FULL_API,
          scale: quick ? QUICK_SCALE : FULL_SCALE,
          group: quick ? QUICK_GROUP : FULL_GROUP,
        },
        summary,
        figures: rec.figures,
        skipped: rec.skipped,
        notes: rec.notes,
        profile: run.profile,
        perf: run.perf,
      },
      null,
      2,
    ) + '\n';
  writeFileSync(outFile, await prettyJson(json, outFile));
  writeFileSync(
    outFile.replace(/\.json$/, '.md'),
    `${rec.markdown(RATIO_PAIRS)}\n${rec.notes.map((n) => `- ${n}`).join('\n')}\n\n\`${summary.line}\`\n`,
  );
  return outFile;
}

/** The repository runs `prettier --check .`: results files are written in its format when prettier is installed. */
async function prettyJson(json: string, file: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(json, { ...config, parser: 'json', filepath: file });
  } catch {
    return json;
  }
}
