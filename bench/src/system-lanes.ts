import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashSecret } from '@ratatouille/catalog-server';
import { startS3Server, type S3TestServer } from '../../test/support/s3/versitygw.ts';
import { FULL_API, QUICK_API, runApiLane } from './api-v2-lane.ts';
import { guarded } from './guarded.ts';
import { FULL_ICEBERG, QUICK_ICEBERG, runIcebergLane, type IcebergWorkload } from './iceberg-lane.ts';
import type { LaneContext } from './lane-context.ts';
import { perfUnavailable, startPerf, summarizePerf } from './perf-profile.ts';
import { summarizeProfile } from './profile.ts';
import { startReference } from './reference-server.ts';
import { startNessieFor, startOurs } from './servers.ts';

/** The bucket every lane's S3 server holds. */
export const BUCKET = 'bench';

/**
 * The Iceberg REST lane and the /api/v2 lane against every system the run wants: ours (file warehouse, with auth, on
 * S3), Apache Iceberg's reference REST server, and Nessie (RocksDB and in memory). Each system is started, measured
 * and stopped in turn; one that cannot start is a skipped row. With `--profile`, leaves the V8 CPU profile of our
 * file-warehouse server in `ctx.profile`, with `--perf` what Linux `perf` recorded of it in `ctx.perf`.
 *
 * @example await runSystemLanes(ctx)
 */
export async function runSystemLanes(ctx: LaneContext): Promise<void> {
  const { opts, rec, want, wantSystem } = ctx;
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
          const perfFile = opts.perf ? perfRecordingFile(ctx) : undefined;
          const ours = await startOurs({
            nodeFlags: [
              ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
              ...(perfFile ? ['--perf-basic-prof'] : []),
            ],
          });
          const perf = perfFile && ours.pid !== undefined ? startPerf(ours.pid, perfFile) : undefined;
          try {
            if (want('iceberg'))
              await runIcebergLane(
                'iceberg',
                { system: 'ours', baseUrl: `${ours.url}/iceberg`, serverCpu: () => ours.cpuMs() },
                iceberg,
                rec,
              );
            if (want('api'))
              await guarded(rec, 'api-v2', 'ours', () =>
                runApiLane('api-v2', { system: 'ours', apiUrl: `${ours.url}/api/v2` }, apiW, rec),
              );
          } finally {
            await perf?.stop();
            await ours.stop();
            if (perfFile && ours.pid !== undefined) {
              ctx.perf = await summarizePerf(perfFile, ours.pid);
              if (!ctx.perf)
                ctx.rec.notes.push('perf: the recording of our server could not be read (perf script failed)');
              rmSync(path.dirname(perfFile), { recursive: true, force: true });
            }
            if (profDir) {
              ctx.profile = summarizeProfile(profDir);
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
}

/**
 * A file for `perf record` in a folder of its own, or undefined (with a note) where `perf` cannot record here: the
 * run goes on without it.
 */
function perfRecordingFile(ctx: LaneContext): string | undefined {
  const why = perfUnavailable();
  if (why) {
    ctx.rec.notes.push(`--perf: not recorded (${why})`);
    return undefined;
  }
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'rat-bench-perf-')), 'perf.data');
}
