import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { http } from './support/server.ts';
import { commitKey, headOf } from './support/catalog-commits.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

describe('durability: the server process is killed during concurrent commits', function () {
  this.timeout(120_000);
  let dir: string;
  let server: ServerProcess | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-crash-'));
  });
  afterEach(async () => {
    await server?.kill();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged commit and never leaves a ref on a missing commit (kill -9)', async () => {
    server = await startServerProcess(['--data-dir', dir]);
    const base = server.url;
    const writers = 6;
    /** Highest version of each writer's key that the server acknowledged, and the hashes it returned. */
    const acked = new Map<string, number>();
    const ackedHashes: string[] = [];
    let stop = false;
    const loops = Array.from({ length: writers }, async (_, w) => {
      const name = `t${w}`;
      for (let v = 1; !stop; v++) {
        let r;
        try {
          r = await commitKey(base, 'main', await headOf(base), name, v);
        } catch {
          return; // connection refused or reset: the server is gone
        }
        if (r.status === 200) {
          acked.set(name, v);
          ackedHashes.push(r.body.targetBranch.hash);
        } else {
          assert.fail(`unexpected ${r.status}: ${JSON.stringify(r.body)}`);
        }
      }
    });
    // Let commits flow, then kill without warning while requests are in flight.
    while (ackedHashes.length < 60) await new Promise((r) => setTimeout(r, 10));
    await server.kill();
    stop = true;
    await Promise.all(loops);
    assert.ok(ackedHashes.length >= 60);

    // The database file is intact and every ref points at a commit that exists.
    const db = new BetterSqlite3(path.join(dir, 'catalog.db'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const dangling = db.prepare('SELECT name FROM refs WHERE head NOT IN (SELECT hash FROM commits)').all();
      assert.deepEqual(dangling, []);
    } finally {
      db.close();
    }

    server = await startServerProcess(['--data-dir', dir]);
    const head = await headOf(server.url);
    for (const [name, version] of acked) {
      const r = await http('GET', `${server.url}/api/v2/trees/main/contents/${name}`);
      assert.equal(r.status, 200, `${name} lost: ${JSON.stringify(r.body)}`);
      // A later commit may have landed without its acknowledgement reaching us; never an earlier one.
      assert.ok(
        r.body.content.snapshotId >= version,
        `${name}: acknowledged v${version}, found ${r.body.content.snapshotId}`,
      );
    }
    for (const h of ackedHashes) {
      const r = await http('GET', `${server.url}/api/v2/trees/${encodeURIComponent(`main@${h}`)}/history?maxRecords=1`);
      assert.equal(r.status, 200, `acknowledged commit ${h} missing after restart: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.logEntries[0].commitMeta.hash, h);
    }
    // The server keeps accepting commits on top of the recovered head.
    const after = await commitKey(server.url, 'main', head, 'after-restart', 1);
    assert.equal(after.status, 200, JSON.stringify(after.body));
  });

  it('shuts down cleanly on SIGTERM and reopens with the same state', async () => {
    server = await startServerProcess(['--data-dir', dir]);
    const r = await commitKey(server.url, 'main', await headOf(server.url), 'kept', 1);
    assert.equal(r.status, 200);
    assert.equal(await server.stop(), 0);
    server = await startServerProcess(['--data-dir', dir]);
    assert.equal(await headOf(server.url), r.body.targetBranch.hash);
  });
});

describe('two writers race on one key', () => {
  it('lands exactly one and answers the other 409', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-race-'));
    const server = await startServerProcess(['--data-dir', dir]);
    try {
      for (let round = 0; round < 5; round++) {
        const head = await headOf(server.url);
        const [a, b] = await Promise.all([
          commitKey(server.url, 'main', head, 'contested', round * 2 + 1),
          commitKey(server.url, 'main', head, 'contested', round * 2 + 2),
        ]);
        assert.deepEqual([a.status, b.status].sort(), [200, 409], JSON.stringify([a.body, b.body]));
        const loser = a.status === 409 ? a : b;
        assert.equal(loser.body.error.code, 409);
        assert.equal(loser.body.errorCode, 'REFERENCE_CONFLICT');
        const winner = a.status === 200 ? a : b;
        assert.equal(await headOf(server.url), winner.body.targetBranch.hash);
      }
    } finally {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
