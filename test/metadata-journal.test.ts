import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { appendCommit, APPEND_SCHEMA, newTableState, type AppendState } from './support/iceberg-appends.ts';
import { http, startTestServer, type TestServer } from './support/server.ts';

/** An append commit as writers send it, guarded by the snapshot the writer last saw. */
function appendBody(location: string, id: number, parent: number | null): unknown {
  return {
    requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': parent }],
    updates: [
      {
        action: 'add-snapshot',
        snapshot: {
          'snapshot-id': id,
          'parent-snapshot-id': parent,
          'sequence-number': id,
          'timestamp-ms': 1_700_000_000_000 + id,
          'manifest-list': `${location}/metadata/snap-${id}.avro`,
          summary: { operation: 'append' },
        },
      },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': id },
    ],
  };
}

describe('metadata files committed before their fsync (the file journal)', function () {
  this.timeout(60_000);
  let dir: string;
  let server: TestServer | undefined;
  const table = () => `${server!.url}/iceberg/main/v1/namespaces/db/tables/t`;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-journal-'));
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  function journal(): Array<{ location: string; body: string }> {
    const db = new BetterSqlite3(path.join(dir, 'catalog.db'), { readonly: true });
    try {
      return db.prepare('SELECT location, body FROM file_journal ORDER BY location').all() as never;
    } finally {
      db.close();
    }
  }

  /**
   * Starts the server on `dir`, creates db.t and appends `commits` snapshots; returns how many of the new metadata
   * files were still journaled when their commit was answered.
   */
  async function tableWithCommits(commits: number, keepHistory?: string): Promise<number> {
    server = await startTestServer({ dataDir: dir, keepHistory });
    const iceberg = `${server.url}/iceberg/main/v1`;
    assert.equal((await http('POST', `${iceberg}/namespaces`, { namespace: ['db'] })).status, 200);
    const created = await http('POST', `${iceberg}/namespaces/db/tables`, {
      name: 't',
      schema: { type: 'struct', fields: [{ id: 1, name: 'id', type: 'long', required: true }] },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const location = created.body.metadata.location as string;
    let journaled = 0;
    for (let id = 1; id <= commits; id++) {
      const r = await http('POST', table(), appendBody(location, id, id === 1 ? null : id - 1));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      if (journal().some((f) => f.location === r.body['metadata-location'])) journaled++;
      // The answer carries the metadata exactly as the new file holds it.
      assert.deepEqual(JSON.parse(readFileSync(fileURLToPath(r.body['metadata-location']), 'utf8')), r.body.metadata);
    }
    return journaled;
  }

  async function until(what: string, ok: () => boolean): Promise<void> {
    for (const start = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() - start > 10_000) assert.fail(`timed out waiting until ${what}`);
    }
  }

  it('keeps each new metadata file with its commit until the file is durable, then forgets it', async () => {
    // Forgetting waits for the file's fsync and a short batching delay, so answered commits are seen journaled.
    assert.ok((await tableWithCommits(12)) > 0, 'no commit carried its metadata file');
    await until('the journal is empty', () => journal().length === 0);
    const load = await http('GET', table());
    assert.equal(load.status, 200);
    assert.equal(load.body.metadata.snapshots.length, 12);
    // Every metadata file of the history is on disk (none lost to the provisional write).
    for (const entry of load.body.metadata['metadata-log'] as Array<{ 'metadata-file': string }>) {
      assert.ok(existsSync(fileURLToPath(entry['metadata-file'])), entry['metadata-file']);
    }
  });

  it('writes a metadata file past the journal limit durably instead of journaling it', async () => {
    await tableWithCommits(1);
    // Past the 256 KB a journaled file may have (file-journal.ts): a table with a long history, made in one commit.
    const big = 'x'.repeat(60_000);
    const updates = Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`big${n}`, big]));
    const r = await http('POST', table(), { updates: [{ action: 'set-properties', updates }] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const written = r.body['metadata-location'] as string;
    assert.ok(!journal().some((f) => f.location === written), 'the large file was journaled');
    assert.equal(JSON.parse(readFileSync(fileURLToPath(written), 'utf8')).properties.big5, big);
    const next = await http('POST', table(), appendBody(r.body.metadata.location, 2, 1));
    assert.equal(next.status, 200, JSON.stringify(next.body));
    assert.equal((await http('GET', table())).body.metadata.properties.big5, big);
  });

  it('forgets the journaled files of a table it purges, so a restart does not write them back', async () => {
    // With no history kept, a purge deletes the dropped version's files at once, moments after its last commit.
    await tableWithCommits(3, '0');
    assert.equal((await http('DELETE', `${table()}?purgeRequested=true`)).status, 204);
    assert.deepEqual(journal(), [], 'nothing of the purged table is left to restore');
    await server!.stop();
    server = await startTestServer({ dataDir: dir });
    assert.equal((await http('GET', table())).status, 404);
    assert.ok(
      !existsSync(path.join(dir, 'warehouse', 'db', 't', 'metadata')) || noMetadataFiles(),
      'no file came back',
    );
  });

  function noMetadataFiles(): boolean {
    return readdirSync(path.join(dir, 'warehouse', 'db', 't', 'metadata')).every((f) => !f.endsWith('.metadata.json'));
  }

  it('journals the files a content-aware merge writes with the merge commit, then makes them durable', async () => {
    server = await startTestServer({ dataDir: dir });
    const iceberg = (ref: string) => `${server!.url}/iceberg/${ref}/v1/namespaces/db/tables/t`;
    const api = `${server.url}/api/v2`;
    assert.equal((await http('POST', `${server.url}/iceberg/main/v1/namespaces`, { namespace: ['db'] })).status, 200);
    const created = await http('POST', `${server.url}/iceberg/main/v1/namespaces/db/tables`, {
      name: 't',
      schema: APPEND_SCHEMA,
    });
    let main = newTableState(created.body.metadata.location);
    const append = async (ref: string, t: AppendState) => {
      const { body, next } = appendCommit(t);
      const r = await http('POST', iceberg(ref), body);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return next;
    };
    main = await append('main', main);
    const head = async (ref: string) => (await http('GET', `${api}/trees/${ref}`)).body.reference.hash as string;
    const fork = await http('POST', `${api}/trees?name=b&type=BRANCH`, {
      type: 'BRANCH',
      name: 'main',
      hash: await head('main'),
    });
    assert.equal(fork.status, 200, JSON.stringify(fork.body));
    await append('b', main);
    main = await append('main', main);
    await until('the appends are durable and forgotten', () => journal().length === 0);

    const merged = await http('POST', `${api}/trees/main@${await head('main')}/history/merge?rat-details=true`, {
      fromRefName: 'b',
      fromHash: await head('b'),
    });
    assert.equal(merged.status, 200, JSON.stringify(merged.body));
    const outcome = (merged.body.details as Array<{ key: { elements: string[] }; outcome: string }>)[0];
    assert.deepEqual([outcome.key.elements, outcome.outcome], [['db', 't'], 'RESOLVED']);
    // The replayed snapshot's manifest list and the new metadata file came with the merge commit's transaction.
    const load = await http('GET', iceberg('main'));
    const current = load.body['metadata-location'] as string;
    const list = (load.body.metadata.snapshots as Array<{ 'manifest-list': string }>).at(-1)!['manifest-list'];
    assert.deepEqual(
      journal()
        .map((f) => f.location)
        .sort(),
      [current, list].sort(),
    );
    await until('the journal is empty', () => journal().length === 0);
    assert.equal(load.body.metadata.snapshots.length, 3);
    assert.ok(existsSync(fileURLToPath(current)) && existsSync(fileURLToPath(list)));
  });

  it('restores, before serving, files a power loss lost or tore after their commit was acknowledged', async () => {
    await tableWithCommits(3);
    const load = await http('GET', table());
    const current = load.body['metadata-location'] as string;
    const previous = (load.body.metadata['metadata-log'] as Array<{ 'metadata-file': string }>).at(-1)![
      'metadata-file'
    ];
    const texts = [current, previous].map((l) => readFileSync(fileURLToPath(l), 'utf8'));
    await server!.close();
    server = undefined;
    assert.deepEqual(journal(), [], 'a clean shutdown leaves nothing journaled');

    // What a power loss right after the acknowledgements can leave: both commits durable in the database with their
    // files still journaled, the newest file torn, the one before it never reached the disk.
    const db = new BetterSqlite3(path.join(dir, 'catalog.db'));
    const insert = db.prepare('INSERT INTO file_journal (location, body) VALUES (?, ?)');
    insert.run(current, texts[0]);
    insert.run(previous, texts[1]);
    db.close();
    truncateSync(fileURLToPath(current), 7);
    unlinkSync(fileURLToPath(previous));

    server = await startTestServer({ dataDir: dir });
    assert.equal(readFileSync(fileURLToPath(current), 'utf8'), texts[0]);
    assert.equal(readFileSync(fileURLToPath(previous), 'utf8'), texts[1]);
    assert.deepEqual(journal(), []);
    const reloaded = await http('GET', table());
    assert.equal(reloaded.status, 200);
    assert.equal(reloaded.body['metadata-location'], current);
    assert.equal(reloaded.body.metadata.snapshots.length, 3);
    // And the table takes commits again on top of the restored file.
    const next = await http('POST', table(), appendBody(reloaded.body.metadata.location, 4, 3));
    assert.equal(next.status, 200, JSON.stringify(next.body));
  });
});
