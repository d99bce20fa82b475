/**
 * `npm run bench` (full, < 10 min) and `npm run bench -- --quick` (< 2 min).
 *
 * Lanes, each printed as a table with ratios measured in the same run:
 *  - floor: the SQLite+fsync commit floor and the loopback HTTP floor (an empty express handler);
 *  - loadfloor: loadTable (file and S3 warehouse) against the empty-handler floor, interleaved request by request;
 *  - iceberg: Iceberg REST workload against ours (file and S3 warehouse), Nessie 0.99 (RocksDB and in memory, S3
 *    warehouse) and Apache Iceberg's reference REST server (JDBC on a SQLite file);
 *  - api-v2: the Nessie v2 management API against ours and Nessie;
 *  - scale: versioning at scale on the store and over HTTP;
 *  - atscale: listing refs next to 100,000 tags, merge base across 10,000 merge commits, a 10,000-key diff;
 *  - merge: content-aware merge of 100 tables both branches appended to, beside the plain merge;
 *  - group: catalog commits on the SQLite store with 1/4/16 writers, one transaction per commit vs group commit;
 *  - replicas: commits/s and loadTable p50 on SQLite, on PostgreSQL, and on three replicas sharing one PostgreSQL;
 *  - engine: the engine engineer's function from `bench/src/engine-*.ts`, when present.
 * A lane whose external server cannot start is reported as skipped with the reason. Writes every figure with the
 * machine and versions to `bench/results/<time>-<mode>.json`.
 *
 * Flags: `--quick`, `--only=floor,loadfloor,iceberg,api,scale,atscale,merge,group,replicas,engine`,
 * `--systems=ours,ours-auth,ours-s3,reference,nessie-rocksdb,nessie-mem`,
 * `--profile` (CPU-profile our file-warehouse server during its Iceberg + api-v2 workload and print where the time
 * goes).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { startS3Server, type S3TestServer } from '../../test/support/s3/versitygw.ts';
import { NESSIE_VERSION, findJava21 } from '../../test/support/nessie.ts';
import { hashSecret } from '@ratatouille/catalog-server';
import { FULL_API, QUICK_API, runApiLane } from './api-v2-lane.ts';
import { httpFloor, sqliteCommitFloor } from './floor.ts';
import { FULL_LOAD_FLOOR, QUICK_LOAD_FLOOR, runLoadFloorLane } from './load-floor-lane.ts';
import { FULL_ICEBERG, QUICK_ICEBERG, runIcebergLane, type IcebergWorkload } from './iceberg-lane.ts';
import { fmt } from './measure.ts';
import { summarizeProfile, type ProfileSummary } from './profile.ts';
import { ICEBERG_REFERENCE_VERSION, startReference } from './reference-server.ts';
import { RATIO_PAIRS, Recorder, log } from './report.ts';
import { FULL_GROUP, QUICK_GROUP, runGroupCommitLane } from './group-commit-lane.ts';
import { FULL_MERGE, QUICK_MERGE, runMergeLane } from './merge-lane.ts';
import { FULL_SCALE, QUICK_SCALE, runScaleLane } from './scale-lane.ts';
import { FULL_AT_SCALE, QUICK_AT_SCALE, runAtScaleLane } from './at-scale-lane.ts';
import { FULL_REPLICAS, QUICK_REPLICAS, runReplicasLane } from './replicas-lane.ts';
import { startNessieFor, startOurs } from './servers.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BUCKET = 'bench';

interface Options {
  quick: boolean;
  only: Set<string> | null;
  systems: Set<string> | null;
  profile: boolean;
}

function parseArgs(argv: string[]): Options {
  const only = argv.find((a) => a.startsWith('--only='));
  const systems = argv.find((a) => a.startsWith('--systems='));
  return {
    quick: argv.includes('--quick'),
    only: only ? new Set(only.slice('--only='.length).split(',')) : null,
    systems: systems ? new Set(systems.slice('--systems='.length).split(',')) : null,
    profile: argv.includes('--profile'),
  };
}

function javaVersion(bin: string): string {
  // `java -version` writes to stderr.
  const r = spawnSync(bin, ['-version'], { encoding: 'utf8' });
  return (r.stderr || r.stdout || String(r.error ?? '')).split('\n')[0];
}

function machine() {
  const db = new BetterSqlite3(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  let java21 = 'not found';
  try {
    java21 = javaVersion(findJava21());
  } catch {
    // reported as not found
  }
  return {
    host: os.hostname(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    loadAvgAtStart: os.loadavg(),
    versions: {
      node: process.version,
      sqlite,
      nessie: NESSIE_VERSION,
      icebergReference: ICEBERG_REFERENCE_VERSION,
      javaDefault: javaVersion('java'),
      javaForNessie: java21,
    },
  };
}

/** Runs `fn`, turning a failure into a "skipped" row, so one broken server never ends the run. */
async function guarded(rec: Recorder, lane: string, system: string, fn: () => Promise<void>): Promise<void> {
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

/** Engine rows/s over DuckDB's on the same work, from the engine lane's figures (NaN when it did not run). */
function engineRatio(rec: Recorder, name: string): number {
  const of = (prefix: string) =>
    rec.figures.find((f) => f.lane === 'engine' && f.name === name && f.system.startsWith(prefix));
  return (of('engine')?.value ?? NaN) / (of('duckdb')?.value ?? NaN);
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

function geomean(xs: number[]): number {
  const ok = xs.filter((x) => Number.isFinite(x) && x > 0);
  return ok.length ? Math.exp(ok.reduce((s, x) => s + Math.log(x), 0) / ok.length) : NaN;
}

/** Geometric mean over every commit workload of ours÷theirs commits/s. */
function commitRatio(rec: Recorder, ours: string, theirs: string): number {
  const names = [
    ...new Set(rec.figures.filter((f) => f.lane === 'iceberg' && f.name.startsWith('commits/s')).map((f) => f.name)),
  ];
  return geomean(
    names.map((n) => {
      const a = rec.get('iceberg', n, ours);
      const b = rec.get('iceberg', n, theirs);
      return a !== undefined && b !== undefined ? a / b : NaN;
    }),
  );
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const opts = parseArgs(argv);
  const want = (lane: string) => !opts.only || opts.only.has(lane);
  const wantSystem = (system: string) => !opts.systems || opts.systems.has(system);
  const started = new Date();
  const t0 = performance.now();
  const rec = new Recorder();
  const info = machine();
  log(
    `bench (${opts.quick ? 'quick' : 'full'}) on ${info.cpus}× ${info.cpuModel}, node ${info.versions.node}, load ${info.loadAvgAtStart.map((x) => x.toFixed(2)).join(' ')}`,
  );
  let profile: ProfileSummary | undefined;

  // ---- 1. floors
  if (want('floor')) {
    await guarded(rec, 'floor', 'sqlite', async () => {
      const perSec = sqliteCommitFloor(opts.quick ? 100 : 300);
      rec.add({
        lane: 'floor',
        name: 'SQLite tx + fsynced metadata file',
        system: 'disk floor',
        value: perSec,
        unit: 'commit/s',
        better: 'higher',
      });
      const n = opts.quick ? 100 : 300;
      rec.add({
        lane: 'floor',
        name: 'SQLite tx alone',
        system: 'disk floor',
        value: sqliteCommitFloor(n, 3000, { sqlite: true, file: false }),
        unit: 'commit/s',
        better: 'higher',
      });
      rec.add({
        lane: 'floor',
        name: 'fsynced metadata file alone',
        system: 'disk floor',
        value: sqliteCommitFloor(n, 3000, { sqlite: false, file: true }),
        unit: 'commit/s',
        better: 'higher',
      });
    });
    await guarded(rec, 'floor', 'http', () => httpFloor('floor', opts.quick ? 500 : 2000, rec));
  }

  // ---- 1b. loadTable against the floor, interleaved
  if (want('loadfloor')) {
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

  // ---- 2. Iceberg REST and /api/v2 against every server
  const iceberg: IcebergWorkload = opts.quick ? QUICK_ICEBERG : FULL_ICEBERG;
  const apiW = opts.quick ? QUICK_API : FULL_API;
  if (want('iceberg') || want('api')) {
    let s3: S3TestServer | undefined;
    try {
      if (want('iceberg') && ['ours-s3', 'nessie-rocksdb', 'nessie-mem'].some(wantSystem)) {
        s3 = await startS3Server({ buckets: [BUCKET] });
      }
    } catch (e) {
      rec.skip('iceberg', 'S3 server (versitygw)', `cannot start, S3 lanes skipped: ${(e as Error).message}`);
    }
    try {
      // Ours, file warehouse (compared with the reference server, which also writes local files).
      if (wantSystem('ours'))
        await guarded(rec, 'iceberg', 'ours', async () => {
          const profDir = opts.profile ? mkdtempSync(path.join(os.tmpdir(), 'rat-bench-prof-')) : undefined;
          const ours = await startOurs({
            nodeFlags: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : undefined,
          });
          try {
            if (want('iceberg'))
              await runIcebergLane('iceberg', { system: 'ours', baseUrl: `${ours.url}/iceberg` }, iceberg, rec);
            if (want('api'))
              await guarded(rec, 'api-v2', 'ours', () =>
                runApiLane('api-v2', { system: 'ours', apiUrl: `${ours.url}/api/v2` }, apiW, rec),
              );
          } finally {
            await ours.stop();
            if (profDir) {
              profile = summarizeProfile(profDir);
              rmSync(profDir, { recursive: true, force: true });
            }
          }
        });
      if (want('iceberg') && wantSystem('ours-auth'))
        await guarded(rec, 'iceberg', 'ours (auth)', async () => {
          // The same workload with auth on: every request carries a bearer token and passes the authorization check.
          const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-auth-'));
          const secret = randomBytes(16).toString('hex');
          const config = path.join(dir, 'auth.json');
          writeFileSync(
            config,
            JSON.stringify({
              clients: [{ id: 'bench', 'secret-sha256': hashSecret(secret), roles: ['admin'] }],
              roles: { admin: [{ refs: ['*'], allow: ['admin'] }] },
              'token-ttl-seconds': 86_400,
            }),
          );
          const ours = await startOurs({ auth: config });
          try {
            const res = await fetch(`${ours.url}/iceberg/v1/oauth/tokens`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({
                grant_type: 'client_credentials',
                client_id: 'bench',
                client_secret: secret,
              }),
            });
            const { access_token: token } = (await res.json()) as { access_token: string };
            const target = { system: 'ours (auth)', baseUrl: `${ours.url}/iceberg` };
            await runIcebergLane('iceberg', { ...target, headers: { authorization: `Bearer ${token}` } }, iceberg, rec);
          } finally {
            await ours.stop();
            rmSync(dir, { recursive: true, force: true });
          }
        });
      if (want('iceberg')) {
        if (s3 && wantSystem('ours-s3')) {
          const s3srv = s3;
          await guarded(rec, 'iceberg', 'ours (s3)', async () => {
            const ours = await startOurs({ s3: s3srv, bucket: BUCKET });
            try {
              await runIcebergLane('iceberg', { system: 'ours (s3)', baseUrl: `${ours.url}/iceberg` }, iceberg, rec);
            } finally {
              await ours.stop();
            }
          });
        } else if (wantSystem('ours-s3')) {
          rec.skip('iceberg', 'ours (s3)', 'no S3 server (see the versitygw row)');
        }
        if (wantSystem('reference'))
          await guarded(rec, 'iceberg', 'reference', async () => {
            const ref = await startReference();
            try {
              await runIcebergLane('iceberg', { system: 'reference', baseUrl: ref.url }, iceberg, rec);
            } finally {
              await ref.stop();
            }
          });
      }
      const stores: Array<['ROCKSDB' | 'IN_MEMORY', string]> = opts.quick
        ? [['ROCKSDB', 'nessie-rocksdb']]
        : [
            ['ROCKSDB', 'nessie-rocksdb'],
            ['IN_MEMORY', 'nessie-mem'],
          ];
      for (const [store, system] of stores) {
        if (!wantSystem(system)) continue;
        await guarded(rec, 'iceberg', system, async () => {
          const nessie = await startNessieFor(store, s3, BUCKET);
          try {
            if (want('iceberg') && s3) {
              await guarded(rec, 'iceberg', `${system} (s3)`, () =>
                runIcebergLane(
                  'iceberg',
                  { system, baseUrl: `${nessie.url}/iceberg`, warehouse: 'bench' },
                  iceberg,
                  rec,
                ),
              );
            } else if (want('iceberg')) {
              rec.skip('iceberg', system, 'its Iceberg REST endpoint needs an object store and no S3 server started');
            }
            if (want('api'))
              await guarded(rec, 'api-v2', system, () =>
                runApiLane('api-v2', { system, apiUrl: nessie.apiUrl }, apiW, rec),
              );
          } finally {
            await nessie.stop();
          }
        });
      }
    } finally {
      await s3?.stop();
    }
  }

  // ---- 3. versioning at scale
  if (want('scale'))
    await guarded(rec, 'scale', 'store+http', () => runScaleLane(opts.quick ? QUICK_SCALE : FULL_SCALE, rec));
  if (want('atscale'))
    await guarded(rec, 'at-scale', 'store+http', () =>
      runAtScaleLane(opts.quick ? QUICK_AT_SCALE : FULL_AT_SCALE, rec),
    );

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

  // ---- output
  rec.printTables(RATIO_PAIRS);
  for (const n of rec.notes) log(`note: ${n}`);
  if (profile) {
    log('');
    log(`== profile of our server during the Iceberg + api-v2 workload (${fmt(profile.totalMs)} ms sampled)`);
    for (const a of profile.areas.slice(0, 10)) log(`${a.area.padEnd(40)} ${fmt(a.pct)}%`);
    log('top functions (self time):');
    for (const f of profile.functions.slice(0, 12)) log(`  ${fmt(f.pct).padStart(5)}%  ${f.name}`);
  }

  const nessieBase =
    rec.get('iceberg', 'loadTable p50', 'nessie-rocksdb') !== undefined ? 'nessie-rocksdb' : 'nessie-mem';
  const oursS3 = rec.get('iceberg', 'loadTable p50', 'ours (s3)') !== undefined ? 'ours (s3)' : 'ours';
  const load = (s: string) => rec.get('iceberg', 'loadTable p50', s);
  const floorRate = rec.get('floor', 'SQLite tx + fsynced metadata file', 'disk floor');
  const ours1 = rec.get('iceberg', 'commits/s 1 table 1w', 'ours');
  const txFloor = rec.get('floor', 'SQLite tx alone', 'disk floor');
  const summary = {
    commitOursOverNessie: commitRatio(rec, oursS3, nessieBase),
    commitOursOverReference: commitRatio(rec, 'ours', 'reference'),
    loadP50NessieOverOurs: (load(nessieBase) ?? NaN) / (load(oursS3) ?? NaN),
    loadP50ReferenceOverOurs: (load('reference') ?? NaN) / (load('ours') ?? NaN),
    floorPct: ours1 !== undefined && floorRate ? (100 * ours1) / floorRate : NaN,
    engineOverDuckdbIngest: engineRatio(rec, 'ingest rows/s'),
    engineOverDuckdbSilver: engineRatio(rec, 'silver rows/s'),
    // Store commits, 16 writers on branches of their own, against the bare SQLite transaction + fsync.
    groupCommitOverFloor: (rec.get('group', 'commits/s own branches 16w', 'group commit') ?? NaN) / (txFloor ?? NaN),
  };
  const elapsed = (performance.now() - t0) / 1000;
  const line =
    `bench: commit/s ours÷nessie=${fmt(summary.commitOursOverNessie)} ours÷reference=${fmt(summary.commitOursOverReference)}` +
    ` · loadTable p50 nessie÷ours=${fmt(summary.loadP50NessieOverOurs)} reference÷ours=${fmt(summary.loadP50ReferenceOverOurs)}` +
    ` · floor=${fmt(summary.floorPct)}% · group-commit÷floor=${fmt(summary.groupCommitOverFloor)}` +
    ` · engine÷duckdb ingest=${fmt(summary.engineOverDuckdbIngest)} silver=${fmt(summary.engineOverDuckdbSilver)}`;

  const outDir = path.join(HERE, '..', 'results');
  mkdirSync(outDir, { recursive: true });
  const outFile = path.join(
    outDir,
    `${started.toISOString().replace(/[:.]/g, '-')}-${opts.quick ? 'quick' : 'full'}.json`,
  );
  const json =
    JSON.stringify(
      {
        mode: opts.quick ? 'quick' : 'full',
        startedAt: started.toISOString(),
        elapsedSeconds: elapsed,
        machine: { ...info, loadAvgAtEnd: os.loadavg() },
        workloads: {
          iceberg,
          api: apiW,
          scale: opts.quick ? QUICK_SCALE : FULL_SCALE,
          group: opts.quick ? QUICK_GROUP : FULL_GROUP,
        },
        summary: { ...summary, nessieSystem: nessieBase, oursSystemVsNessie: oursS3, line },
        figures: rec.figures,
        skipped: rec.skipped,
        notes: rec.notes,
        profile,
      },
      null,
      2,
    ) + '\n';
  writeFileSync(outFile, await prettyJson(json, outFile));
  writeFileSync(
    outFile.replace(/\.json$/, '.md'),
    `${rec.markdown(RATIO_PAIRS)}\n${rec.notes.map((n) => `- ${n}`).join('\n')}\n\n\`${line}\`\n`,
  );
  log('');
  log(
    `results: ${path.relative(process.cwd(), outFile)} (${elapsed.toFixed(0)} s, load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')})`,
  );
  log(line);
}

await main();
process.exit(0);
