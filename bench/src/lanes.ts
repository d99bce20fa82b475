import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FULL_AT_SCALE, QUICK_AT_SCALE, runAtScaleLane } from './at-scale-lane.ts';
import { fileCreateCost, httpFloor, sqliteCommitFloor } from './floor.ts';
import { FULL_GROUP, QUICK_GROUP, runGroupCommitLane } from './group-commit-lane.ts';
import { FULL_LOAD_FLOOR, QUICK_LOAD_FLOOR, runLoadFloorLane } from './load-floor-lane.ts';
import { startS3Server } from '../../test/support/s3/versitygw.ts';
import { startOurs } from './servers.ts';
import { guarded } from './guarded.ts';
import type { LaneContext } from './lane-context.ts';
import { FULL_MERGE, QUICK_MERGE, runMergeLane } from './merge-lane.ts';
import { FULL_PLANNING, QUICK_PLANNING, runPlanningLane } from './planning-lane.ts';
import { FULL_REPLICAS, QUICK_REPLICAS, runReplicasLane } from './replicas-lane.ts';
import { log, type Recorder } from './report.ts';
import { FULL_SCALE, QUICK_SCALE, runScaleLane } from './scale-lane.ts';
import { BUCKET, runSystemLanes } from './system-lanes.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/**
 * Runs every lane the run wants, in a fixed order (floors, Iceberg REST and /api/v2 against every system, versioning
 * at scale, content-aware merge, group commit, the catalog databases, the engine), each guarded so a failure is a
 * skipped row. A new lane is added here.
 *
 * @example await runLanes({ opts, rec, want: () => true, wantSystem: () => true })
 */
export async function runLanes(ctx: LaneContext): Promise<void> {
  const { opts, rec, want } = ctx;
  // ---- 1. floors
  if (want('floor')) {
    await guarded(rec, 'floor', 'sqlite', async () => {
      // Long enough (about half a second each) that one slow fsync does not decide the figure.
      const n = opts.quick ? 500 : 1500;
      const perSec = sqliteCommitFloor(n);
      rec.add({
        lane: 'floor',
        name: 'SQLite tx + fsynced metadata file',
        system: 'disk floor',
        value: perSec,
        unit: 'commit/s',
        better: 'higher',
      });
      const txAlone = sqliteCommitFloor(n, 3000, { sqlite: true, file: false });
      rec.add({
        lane: 'floor',
        name: 'SQLite tx alone',
        system: 'disk floor',
        value: txAlone,
        unit: 'commit/s',
        better: 'higher',
      });
      // Where a flush costs well under a millisecond, the floor is mostly CPU too and a commit's ratios to it measure
      // its CPU, not how it waits for the disk (docs/performance-log.md, "When the disk is the limit").
      if (!opts.fsyncLatencyMs && txAlone > 1000) {
        rec.notes.push(
          `floor: a SQLite transaction with its fsync takes ${(1000 / txAlone).toFixed(2)} ms on this disk, so the ` +
            'commit ratios to the floor measure CPU more than the disk; --fsync-latency-ms=1 runs on a slower one',
        );
      }
      rec.add({
        lane: 'floor',
        name: 'fsynced metadata file alone',
        system: 'disk floor',
        value: sqliteCommitFloor(n, 3000, { sqlite: false, file: true }),
        unit: 'commit/s',
        better: 'higher',
      });
      const create = fileCreateCost(n);
      rec.add({
        lane: 'floor',
        name: 'creating a file',
        system: 'disk floor',
        value: create.wallUs,
        unit: 'µs',
        better: 'lower',
        detail: { kernelUs: create.kernelUs },
      });
      // Where it is far above the usual tens of microseconds, a good part of every commit's CPU (and of the floor's)
      // is the kernel allocating an inode, and it moves from run to run with where the run's folders land.
      if (create.kernelUs > 100) {
        rec.notes.push(
          `floor: creating a file takes ${Math.round(create.kernelUs)} µs of kernel CPU in this run's folders; every ` +
            'commit creates one metadata file (docs/performance-log.md, "What creating a file costs")',
        );
      }
    });
    await guarded(rec, 'floor', 'http', () => httpFloor('floor', opts.quick ? 500 : 2000, rec));
    noteWhatTheTargetsLeave(rec);
  }

  // ---- 1b. loadTable against the floor, interleaved request by request
  if (want('loadfloor')) await runLoadFloor(ctx);

  // ---- 2. Iceberg REST and /api/v2 against every server
  await runSystemLanes(ctx);

  // ---- 3. versioning at scale
  if (want('scale'))
    await guarded(rec, 'scale', 'store+http', () => runScaleLane(opts.quick ? QUICK_SCALE : FULL_SCALE, rec));
  if (want('atscale'))
    await guarded(rec, 'at-scale', 'store+http', () =>
      runAtScaleLane(opts.quick ? QUICK_AT_SCALE : FULL_AT_SCALE, rec),
    );

  // ---- 3b. scans planned by the catalog
  if (want('planning'))
    await guarded(rec, 'planning', 'ours', () => runPlanningLane(opts.quick ? QUICK_PLANNING : FULL_PLANNING, rec));

  // ---- 4. content-aware merge
  if (want('merge'))
    await guarded(rec, 'merge', 'ours', () => runMergeLane(opts.quick ? QUICK_MERGE : FULL_MERGE, rec));

  // ---- 4b. group commit on the SQLite store
  if (want('group'))
    await guarded(rec, 'group', 'store', () => runGroupCommitLane(opts.quick ? QUICK_GROUP : FULL_GROUP, rec));
  // ---- 4b. the catalog database: SQLite, PostgreSQL, replicas on PostgreSQL
  if (want('replicas'))
    await guarded(rec, 'replicas', 'sqlite/postgresql', () =>
      runReplicasLane(opts.quick ? QUICK_REPLICAS : FULL_REPLICAS, rec),
    );

  // ---- 5. engine
  if (want('engine')) await engineLane(rec, opts.quick);
}

/**
 * Puts the two commit targets of the performance issue beside what an empty handler does on the same machine in the
 * same run: 60% of the disk floor as a one-writer round trip against an empty `POST`'s, and twice the floor against
 * the empty `POST`s a second answered to 16 clients. The handler is node:http's alone, as the catalog answers commits
 * ahead of express (express's own empty handler is in the floor table too). Where the floor is mostly CPU (a fast disk
 * on few cores), the targets leave a commit little more than the empty request; the note says how much rather than
 * leaving it to be worked out from the tables.
 */
function noteWhatTheTargetsLeave(rec: Recorder): void {
  const floor = rec.get('floor', 'SQLite tx + fsynced metadata file', 'disk floor');
  const post1 = rec.get('floor', 'empty POST/s 1c, node:http', 'http floor');
  const post16 = rec.get('floor', 'empty POST/s 16c, node:http', 'http floor');
  if (!floor || !post1 || !post16) return;
  const oneWriterMs = 1000 / (0.6 * floor);
  const emptyMs = 1000 / post1;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  rec.notes.push(
    `floor: one writer at 60% of the floor is a commit round trip of ${oneWriterMs.toFixed(2)} ms, ` +
      `${(oneWriterMs - emptyMs).toFixed(2)} ms over an empty node:http POST's ${emptyMs.toFixed(2)} ms; 16 writers ` +
      `at 2× the floor are ${n(2 * floor)} commits/s, where node:http answers 16 clients ${n(post16)} empty POSTs/s`,
  );
}

async function engineLane(rec: Recorder, quick: boolean): Promise<void> {
  const files = readdirSync(HERE).filter((f) => /^engine-.*\.ts$/.test(f) && !f.endsWith('.test.ts'));
  if (!files.length) {
    rec.skip('engine', 'engine', 'no bench/src/engine-*.ts yet (the engine benchmark has not landed)');
    return;
  }
  for (const file of files) {
    await guarded(rec, 'engine', file, async () => {
      const mod = (await import(pathToFileURL(path.join(HERE, file)).href)) as Record<string, unknown>;
      const fn = Object.values(mod).find((v): v is (o: unknown) => Promise<unknown> => typeof v === 'function');
      if (!fn) throw new Error(`${file} exports no function`);
      const out = await fn({ quick, log });
      recordEngine(rec, file, out);
    });
  }
}

/** Accepts what an engine bench function may return: figures, or a flat object of numbers. */
function recordEngine(rec: Recorder, file: string, out: unknown): void {
  const list = Array.isArray(out) ? out : out && typeof out === 'object' ? [out] : [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const o = item as Record<string, unknown>;
    if (typeof o.value === 'number' && typeof o.name === 'string') {
      rec.add({
        lane: 'engine',
        name: o.name,
        system: typeof o.system === 'string' ? o.system : 'engine',
        value: o.value,
        unit: typeof o.unit === 'string' ? o.unit : '',
        better: o.better === 'higher' ? 'higher' : 'lower',
      });
      continue;
    }
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'number')
        rec.add({ lane: 'engine', name: k, system: file, value: v, unit: '', better: 'lower' });
    }
  }
}

/** The `loadfloor` lane on our server with a file warehouse and with an S3 one. */
async function runLoadFloor({ opts, rec, wantSystem }: LaneContext): Promise<void> {
  const w = opts.quick ? QUICK_LOAD_FLOOR : FULL_LOAD_FLOOR;
  if (wantSystem('ours'))
    await guarded(rec, 'loadfloor', 'ours', async () => {
      const ours = await startOurs();
      try {
        await runLoadFloorLane('loadfloor', 'ours', ours.url, w, rec);
      } finally {
        await ours.stop();
      }
    });
  if (wantSystem('ours-s3'))
    await guarded(rec, 'loadfloor', 'ours (s3)', async () => {
      const s3 = await startS3Server({ buckets: [BUCKET] });
      try {
        const ours = await startOurs({ s3, bucket: BUCKET });
        try {
          await runLoadFloorLane('loadfloor', 'ours (s3)', ours.url, w, rec);
        } finally {
          await ours.stop();
        }
      } finally {
        await s3.stop();
      }
    });
}
