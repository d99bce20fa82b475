import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commitKey, commitKeyRetrying, headOf } from './support/catalog-commits.ts';
import { startTestPostgres, type TestPostgres } from './support/postgres.ts';
import { http } from './support/server.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

/**
 * Three `rat serve` processes on one PostgreSQL database, as behind a load balancer: writers spread over all three.
 * Commits stay consistent through the compare-and-swap on the ref row, nothing a replica caches hides another's
 * commit, and a replica killed mid-commit loses nothing it acknowledged.
 */
describe('replicas: three servers on one PostgreSQL', function () {
  this.timeout(300_000);
  let db: TestPostgres;
  let url: string;
  let replicas: ServerProcess[] = [];
  const dirs: string[] = [];

  const startReplica = async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-replica-'));
    dirs.push(dir);
    return startServerProcess(['--data-dir', dir, '--store', url, '--store-pool-size', '4']);
  };

  before(async () => {
    db = await startTestPostgres();
    url = await db.createDatabase();
    replicas = await Promise.all([startReplica(), startReplica(), startReplica()]);
  });
  after(async () => {
    await Promise.all(replicas.map((r) => r.kill()));
    await db?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('lets exactly one writer win each conflicting key, whichever replicas they use', async () => {
    for (let round = 0; round < 8; round++) {
      const base = await headOf(replicas[round % 3].url);
      const name = `contested${round}`;
      const answers = await Promise.all(replicas.map((r, i) => commitKey(r.url, 'main', base, name, i + 1)));
      const statuses = answers.map((a) => a.status);
      assert.deepEqual(
        [...statuses].sort(),
        [200, 409, 409],
        `round ${round}: ${JSON.stringify(answers.map((a) => a.body))}`,
      );
      for (const loser of answers.filter((a) => a.status === 409)) {
        assert.equal(loser.body.errorCode, 'REFERENCE_CONFLICT');
      }
      const winner = answers.find((a) => a.status === 200)!;
      const version = statuses.indexOf(200) + 1;
      // Every replica reads the winner at once: ref heads are never served from a cache.
      for (const r of replicas) {
        assert.equal(await headOf(r.url), winner.body.targetBranch.hash);
        const c = await http('GET', `${r.url}/api/v2/trees/main/contents/${name}`);
        assert.equal(c.body.content.snapshotId, version);
      }
    }
  });

  it('keeps every acknowledged commit of writers spread over all replicas, also based on stale heads', async () => {
    const writers = 9;
    const perWriter = 12;
    const acked: Array<{ name: string; version: number; hash: string }> = [];
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let v = 1; v <= perWriter; v++) {
          // Read the head on one replica and commit through another: the head may be stale by then.
          const seen = await headOf(replicas[(w + v) % 3].url);
          const send = () => commitKey(replicas[(w + v + 1) % 3].url, 'main', seen, `w${w}`, v);
          let r = await send();
          // Keys are per writer, so a 409 can only be the server giving up on a branch that kept moving: retry.
          for (let i = 0; r.status === 409 && i < 20; i++) r = await send();
          assert.equal(r.status, 200, JSON.stringify(r.body));
          acked.push({ name: `w${w}`, version: v, hash: r.body.targetBranch.hash });
        }
      }),
    );
    assert.equal(acked.length, writers * perWriter);
    for (const r of replicas) {
      for (let w = 0; w < writers; w++) {
        const c = await http('GET', `${r.url}/api/v2/trees/main/contents/w${w}`);
        assert.equal(c.status, 200);
        assert.equal(c.body.content.snapshotId, perWriter, `w${w} on ${r.url}`);
      }
    }
    // Each acknowledged commit is in main's first-parent history (nothing was overwritten by a lost race).
    const log = await http('GET', `${replicas[0].url}/api/v2/trees/main/history?maxRecords=10000`);
    const history = new Set<string>(
      log.body.logEntries.map((e: { commitMeta: { hash: string } }) => e.commitMeta.hash),
    );
    for (const a of acked) assert.ok(history.has(a.hash), `${a.name} v${a.version} (${a.hash}) not in main's history`);
  });

  it('runs a request sent with one Idempotency-Key to two replicas at once once; both answer with its outcome', async () => {
    const commitsOnMain = async () =>
      (await http('GET', `${replicas[0].url}/api/v2/trees/main/history?maxRecords=10000`)).body.logEntries.length;
    const before = await commitsOnMain();
    const rounds = 6;
    for (let round = 0; round < rounds; round++) {
      const key = randomUUID();
      const body = JSON.stringify({ namespace: [`idem${round}`], properties: { round: String(round) } });
      const pair = [replicas[round % 3], replicas[(round + 1) % 3]];
      const answers = await Promise.all(
        pair.map(async (r) => {
          const res = await fetch(`${r.url}/iceberg/v1/namespaces`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': key },
            body,
          });
          return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
        }),
      );
      assert.equal(answers[0].status, 200, answers[0].text);
      assert.deepEqual(answers[1], answers[0], `round ${round}: the duplicate got another answer`);
    }
    assert.equal(await commitsOnMain(), before + rounds, 'one commit per key');
  });

  it('loses nothing a replica acknowledged when it is killed (kill -9) mid-commit', async () => {
    const victim = replicas[2];
    const acked = new Map<string, { version: number; hash: string }>();
    let stop = false;
    const loops = Array.from({ length: 6 }, async (_, w) => {
      const name = `k${w}`;
      for (let v = 1; !stop; v++) {
        const target = w % 2 === 0 ? victim : replicas[w % 3 === 1 ? 0 : 1];
        let r;
        try {
          r = await commitKeyRetrying(target.url, name, v);
        } catch {
          if (target === victim) return; // the victim is gone: connection refused or reset
          throw new Error(`replica ${target.url} failed while another was killed`);
        }
        assert.equal(r.status, 200, JSON.stringify(r.body));
        acked.set(name, { version: v, hash: r.body.targetBranch.hash });
        if (target !== victim && v >= 40) return;
      }
    });
    // Until every writer has a few acknowledged commits; a writer that fails ends the wait with its error.
    let failed: unknown;
    for (const l of loops) l.catch((err: unknown) => (failed ??= err));
    const deadline = Date.now() + 120_000;
    while ([...acked.values()].length < 6 || [...acked.values()].some((a) => a.version < 5)) {
      if (failed || Date.now() > deadline) stop = true;
      if (failed) throw failed;
      if (stop) assert.fail(`writers did not get going: ${JSON.stringify([...acked])}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await victim.kill();
    stop = true;
    await Promise.all(loops);
    replicas[2] = await startReplica();
    for (const r of replicas) {
      for (const [name, a] of acked) {
        const c = await http('GET', `${r.url}/api/v2/trees/main/contents/${name}`);
        assert.equal(c.status, 200, `${name} lost: ${JSON.stringify(c.body)}`);
        // A later commit may have landed without its acknowledgement reaching us; never an earlier one.
        assert.ok(
          c.body.content.snapshotId >= a.version,
          `${name}: acked v${a.version}, found ${c.body.content.snapshotId}`,
        );
        const at = await http(
          'GET',
          `${r.url}/api/v2/trees/${encodeURIComponent(`main@${a.hash}`)}/history?maxRecords=1`,
        );
        assert.equal(at.status, 200, `acknowledged commit ${a.hash} missing`);
      }
    }
    // The survivors and the restarted replica keep committing on top of whatever the victim left.
    const after = await commitKey(replicas[2].url, 'main', await headOf(replicas[0].url), 'after-kill', 1);
    assert.equal(after.status, 200, JSON.stringify(after.body));
  });
});
