import { spawn } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { BenchClient } from './http.ts';
import { latencies, throughput } from './measure.ts';
import type { Recorder } from './report.ts';

/** Writes `data` the way the file warehouse does: temp file, fsync, rename into place, fsync the directory. */
function durableWrite(dir: string, name: string, data: Buffer): void {
  const tmp = path.join(dir, `.${name}.tmp`);
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path.join(dir, name));
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/**
 * The commit floor: what one Iceberg commit must do on disk with the server taken out. A metadata file of
 * `metadataBytes` written durably (as the file warehouse writes it), then one SQLite `BEGIN IMMEDIATE` transaction with
 * the store's pragmas (WAL, synchronous=FULL) inserting a commit row and a trie node and compare-and-swapping the ref
 * head. Returns commits per second of one tight loop. `parts` measures either half alone, to see which dominates.
 */
export function sqliteCommitFloor(
  commits: number,
  metadataBytes = 3000,
  parts: { sqlite: boolean; file: boolean } = { sqlite: true, file: true },
): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-floor-'));
  const db = new BetterSqlite3(path.join(dir, 'floor.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE commits (hash TEXT PRIMARY KEY, parent TEXT, body TEXT NOT NULL);
      CREATE TABLE nodes (id TEXT PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE refs (name TEXT PRIMARY KEY, head TEXT NOT NULL);
      INSERT INTO refs VALUES ('main', 'root');`);
    const insertCommit = db.prepare('INSERT INTO commits (hash, parent, body) VALUES (?, ?, ?)');
    const insertNode = db.prepare('INSERT OR IGNORE INTO nodes (id, body) VALUES (?, ?)');
    const cas = db.prepare('UPDATE refs SET head = ? WHERE name = ? AND head = ?');
    const tx = db.transaction((hash: string, parent: string, body: string, node: string) => {
      insertNode.run(createHash('sha256').update(node).digest('hex'), node);
      insertCommit.run(hash, parent, body);
      if (cas.run(hash, 'main', parent).changes !== 1) throw new Error('CAS lost');
    });
    const meta = path.join(dir, 'metadata');
    mkdirSync(meta);
    const payload = randomBytes(metadataBytes / 2).toString('hex');
    let head = 'root';
    const start = performance.now();
    for (let i = 0; i < commits; i++) {
      if (parts.file) durableWrite(meta, `${String(i).padStart(5, '0')}-${i}.metadata.json`, Buffer.from(payload));
      const body = JSON.stringify({
        parent: head,
        message: `commit ${i}`,
        ops: [{ key: ['ns', 't'], loc: payload.slice(0, 120) }],
      });
      const hash = createHash('sha256').update(body).digest('hex');
      if (parts.sqlite) tx.immediate(hash, head, body, payload.slice(0, 400) + i);
      head = hash;
    }
    return (commits * 1000) / (performance.now() - start);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What creating one file costs here, in a new folder like the ones a run's servers create theirs in: microseconds of
 * wall time and of the process's kernel CPU per empty file created with `O_EXCL`. Every commit creates one metadata
 * file, and so does every iteration of the floor; on this machine's ext4 the kernel's inode allocation took from 20 to
 * 850 µs of CPU depending on where on the disk the folder landed (docs/performance-log.md, "What creating a file costs").
 */
export function fileCreateCost(files: number): { wallUs: number; kernelUs: number } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-bench-create-'));
  try {
    const meta = path.join(dir, 'warehouse', 'ns', 't', 'metadata');
    mkdirSync(meta, { recursive: true });
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < files; i++) closeSync(openSync(path.join(meta, `${String(i).padStart(5, '0')}.json`), 'wx'));
    const wallUs = ((performance.now() - start) * 1000) / files;
    return { wallUs, kernelUs: process.cpuUsage(cpu).system / files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const FLOOR_SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'http-floor-server.ts');

/**
 * Starts the floor's server (an express 5 app with the same settings as ours and empty JSON handlers at `/floor`) in
 * its own process. `stop()` ends it.
 *
 * @example const f = await startFloorServer(); await new BenchClient(f.url).send('GET', '/floor'); f.stop();
 */
export async function startFloorServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FLOOR_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const stop = () => {
    child.kill('SIGTERM');
    process.removeListener('exit', kill);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
    });
    return { url, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

/**
 * The loopback HTTP floor: an express 5 app with the same settings as ours and an empty JSON handler, in its own
 * process, driven by the same client. Records round-trip p50 and requests/s with 1 and 16 concurrent clients; and the
 * same requests/s answered by node:http alone (`node:http` in the name), the floor of the catalog's commits and
 * loads, which are answered ahead of express.
 */
export async function httpFloor(lane: string, requests: number, rec: Recorder): Promise<void> {
  const floor = await startFloorServer();
  try {
    const client = new BenchClient(floor.url);
    try {
      for (const path of ['/floor', '/bare']) await latencies(200, () => client.send('POST', path, { a: 1 }));
      const lat = await latencies(requests, () => client.send('GET', '/floor'));
      rec.add({ lane, name: 'empty handler p50', system: 'http floor', value: lat.p50, unit: 'ms', better: 'lower' });
      for (const [path, suffix] of [
        ['/floor', ''],
        ['/bare', ', node:http'],
      ] as const) {
        for (const writers of [1, 16]) {
          let left = requests;
          const r = await throughput(
            writers,
            () => left-- > 0,
            async () => {
              await client.send('POST', path, { a: 1 });
              return 0;
            },
          );
          rec.add({
            lane,
            name: `empty POST/s ${writers}c${suffix}`,
            system: 'http floor',
            value: r.perSecond,
            unit: 'req/s',
            better: 'higher',
          });
        }
      }
    } finally {
      client.close();
    }
  } finally {
    floor.stop();
  }
}
