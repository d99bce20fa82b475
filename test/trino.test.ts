import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  runClientScript,
  startRecordingProxy,
  startTrino,
  stepValue,
  trinoCatalogSnippet,
  TrinoQueryError,
  type RecordingProxy,
  type TrinoServer,
} from './support/clients/index.ts';
import { startS3Server, type S3TestServer } from './support/s3/versitygw.ts';
import { http, startTestServer, type TestServer } from './support/server.ts';

const BUCKET = 'rat-trino';

/**
 * Trino 476's Iceberg connector (`iceberg.catalog.type=rest`, the catalog file of docs/clients.md) against a server on
 * port 0 over a `file://` warehouse, driven over Trino's own client protocol. One Trino JVM for the whole file (about
 * 10 s to start on an idle machine once installed, longer under load; the first run downloads and unpacks it).
 * Catalog `rat` is branch main, `rat_feat` branch feat (created by the branch check, before Trino first uses that
 * catalog), `rat_s3` main of a second server whose warehouse is on S3 (versitygw), reached through Trino's native S3
 * file system.
 */
describe('Trino through the Iceberg REST catalog', function () {
  this.timeout(300_000);
  let server: TestServer;
  let proxy: RecordingProxy;
  let trino: TrinoServer;
  let s3: S3TestServer;
  let s3Server: TestServer;

  before(async function () {
    this.timeout(1_200_000);
    server = await startTestServer();
    proxy = await startRecordingProxy(server.url);
    s3 = await startS3Server({ buckets: [BUCKET] });
    s3Server = await startTestServer({
      warehouses: {
        default: {
          uri: `s3://${BUCKET}/warehouse`,
          s3: { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        },
      },
    });
    trino = await startTrino({
      catalogs: {
        rat: trinoCatalogSnippet(`${proxy.url}/iceberg/main`),
        rat_feat: trinoCatalogSnippet(`${proxy.url}/iceberg/feat`),
        // Trino's own Nessie catalog type on the management API, as a team moving from Nessie configures it.
        rat_nessie: {
          'connector.name': 'iceberg',
          'iceberg.catalog.type': 'nessie',
          'iceberg.nessie-catalog.uri': `${proxy.url}/api/v2`,
          'iceberg.nessie-catalog.ref': 'main',
          'iceberg.nessie-catalog.default-warehouse-dir': pathToFileURL(path.join(server.dataDir, 'warehouse')).href,
          'fs.native-local.enabled': 'true',
          'local.location': '/',
        },
        rat_s3: trinoCatalogSnippet(`${s3Server.url}/iceberg/main`, {
          file: 'trino-s3.properties',
          replace: {
            'http://localhost:9000': s3.endpoint,
            'us-east-1': s3.region,
            ACCESS_KEY_ID: s3.accessKeyId,
            SECRET_ACCESS_KEY: s3.secretAccessKey,
          },
        }),
      },
      catalog: 'rat',
    });
  });

  after(async () => {
    await trino?.stop();
    await proxy?.close();
    await server?.stop();
    await s3Server?.stop();
    await s3?.stop();
  });

  const q = (sql: string, session?: Record<string, string>) => trino.query(sql, { session });
  const rows = async (sql: string) => (await q(sql)).rows;
  /** The TrinoQueryError a statement fails with (fails the test if it succeeds). */
  const failure = async (sql: string, session?: Record<string, string>): Promise<TrinoQueryError> => {
    try {
      await q(sql, session);
    } catch (err) {
      if (err instanceof TrinoQueryError) return err;
      throw err;
    }
    assert.fail(`expected ${sql} to fail`);
  };
  const restTable = (ref: string, ns: string, name: string) =>
    http('GET', `${server.url}/iceberg/${ref}/v1/namespaces/${ns}/tables/${name}`);
  const refHash = async (ref: string): Promise<string> =>
    (await http('GET', `${server.url}/api/v2/trees/${ref}`)).body.reference.hash;

  it('CREATE SCHEMA makes a namespace in the catalog', async () => {
    await q('CREATE SCHEMA rat.shop');
    assert.deepEqual(await rows("SHOW SCHEMAS FROM rat LIKE 'shop'"), [['shop']]);
    const ns = await http('GET', `${server.url}/iceberg/main/v1/namespaces/shop`);
    assert.equal(ns.status, 200);
  });

  it('CREATE TABLE registers the table with gc.enabled=false', async () => {
    await q('CREATE TABLE rat.shop.orders (id bigint, item varchar, qty integer)');
    const t = await restTable('main', 'shop', 'orders');
    assert.equal(t.status, 200);
    assert.equal(t.body.metadata.properties['gc.enabled'], 'false');
    assert.deepEqual(
      t.body.metadata.schemas[0].fields.map((f: { name: string }) => f.name),
      ['id', 'item', 'qty'],
    );
  });

  it('INSERT and SELECT', async () => {
    const ins = await q("INSERT INTO rat.shop.orders VALUES (1, 'apple', 3), (2, 'pear', 1), (3, 'fig', 7)");
    assert.deepEqual(ins.rows, [[3]]);
    assert.deepEqual(await rows('SELECT id, item, qty FROM rat.shop.orders ORDER BY id'), [
      [1, 'apple', 3],
      [2, 'pear', 1],
      [3, 'fig', 7],
    ]);
  });

  it('concurrent INSERTs into one table all land (a commit that loses the race gets a 409 and Trino retries)', async () => {
    await q('CREATE TABLE rat.shop.hits (id bigint)');
    const inserts = [1, 2, 3].map((i) => q(`INSERT INTO rat.shop.hits VALUES (${i})`));
    await Promise.all(inserts);
    assert.deepEqual(await rows('SELECT id FROM rat.shop.hits ORDER BY id'), [[1], [2], [3]]);
  });

  it('CTAS creates and fills a table; a failing CTAS leaves no table behind', async () => {
    assert.deepEqual(
      (await q('CREATE TABLE rat.shop.big AS SELECT id, item FROM rat.shop.orders WHERE qty > 2')).rows,
      [[2]],
    );
    assert.deepEqual(await rows('SELECT id, item FROM rat.shop.big ORDER BY id'), [
      [1, 'apple'],
      [3, 'fig'],
    ]);
    const err = await failure('CREATE TABLE rat.shop.broken AS SELECT id / (id - id) AS x FROM rat.shop.orders');
    assert.equal(err.errorName, 'DIVISION_BY_ZERO');
    assert.equal((await restTable('main', 'shop', 'broken')).status, 404);
  });

  it('ALTER TABLE ADD COLUMN evolves the schema; old rows read null', async () => {
    await q('ALTER TABLE rat.shop.orders ADD COLUMN price double');
    await q("INSERT INTO rat.shop.orders VALUES (4, 'kiwi', 2, 0.5)");
    assert.deepEqual(await rows('SELECT id, price FROM rat.shop.orders ORDER BY id'), [
      [1, null],
      [2, null],
      [3, null],
      [4, 0.5],
    ]);
    const t = await restTable('main', 'shop', 'orders');
    const current = t.body.metadata.schemas.find(
      (s: { 'schema-id': number }) => s['schema-id'] === t.body.metadata['current-schema-id'],
    );
    assert.deepEqual(
      current.fields.map((f: { name: string }) => f.name),
      ['id', 'item', 'qty', 'price'],
    );
  });

  it('DELETE, UPDATE and MERGE write position delete files', async () => {
    assert.deepEqual((await q('DELETE FROM rat.shop.orders WHERE id = 2')).rows, [[1]]);
    assert.deepEqual((await q('UPDATE rat.shop.orders SET qty = qty + 10 WHERE id = 3')).rows, [[1]]);
    const merged = await q(
      'MERGE INTO rat.shop.orders t USING (VALUES (4, 9), (5, 1)) s(id, qty) ON t.id = s.id ' +
        "WHEN MATCHED THEN UPDATE SET qty = s.qty WHEN NOT MATCHED THEN INSERT (id, item, qty) VALUES (s.id, 'plum', s.qty)",
    );
    assert.deepEqual(merged.rows, [[2]]);
    assert.deepEqual(await rows('SELECT id, item, qty FROM rat.shop.orders ORDER BY id'), [
      [1, 'apple', 3],
      [3, 'fig', 17],
      [4, 'kiwi', 9],
      [5, 'plum', 1],
    ]);
    // content 1 = POSITION_DELETES in Iceberg's file metadata.
    const contents = (await rows('SELECT DISTINCT content FROM rat.shop."orders$files" ORDER BY content')).flat();
    assert.deepEqual(contents, [0, 1]);
  });

  it('metadata tables, time travel, optimize, views, rename and drop', async () => {
    const snaps = await rows('SELECT count(*) FROM rat.shop."orders$snapshots"');
    assert.ok((snaps[0][0] as number) >= 5, JSON.stringify(snaps));
    const [[firstInsert]] = await rows(
      'SELECT CAST(snapshot_id AS varchar) FROM rat.shop."orders$snapshots" ' +
        "WHERE element_at(summary, 'added-records') = '3' ORDER BY committed_at LIMIT 1",
    );
    assert.deepEqual(await rows(`SELECT count(*) FROM rat.shop.orders FOR VERSION AS OF ${firstInsert}`), [[3]]);

    await q('ALTER TABLE rat.shop.orders EXECUTE optimize');
    assert.deepEqual((await rows('SELECT DISTINCT content FROM rat.shop."orders$files"')).flat(), [0]);
    assert.deepEqual(await rows('SELECT count(*), sum(qty) FROM rat.shop.orders'), [[4, 30]]);

    await q('CREATE VIEW rat.shop.big_orders AS SELECT id, item FROM rat.shop.orders WHERE qty > 5');
    assert.deepEqual(await rows('SELECT id FROM rat.shop.big_orders ORDER BY id'), [[3], [4]]);
    const view = await http('GET', `${server.url}/iceberg/main/v1/namespaces/shop/views/big_orders`);
    assert.equal(view.status, 200);

    await q('ALTER TABLE rat.shop.big RENAME TO rat.shop.renamed');
    assert.equal((await restTable('main', 'shop', 'big')).status, 404);
    assert.deepEqual(await rows('SELECT count(*) FROM rat.shop.renamed'), [[2]]);
    await q('DROP TABLE rat.shop.renamed');
    assert.equal((await restTable('main', 'shop', 'renamed')).status, 404);
  });

  it('CREATE OR REPLACE, ANALYZE (statistics files), comments, column rename and partition evolution', async () => {
    await q(
      'CREATE TABLE rat.shop.visits (id bigint, at timestamp(6), page varchar) ' +
        "WITH (partitioning = ARRAY['day(at)', 'bucket(id, 4)'])",
    );
    await q(
      "INSERT INTO rat.shop.visits VALUES (1, TIMESTAMP '2026-01-01 10:00:00', '/'), (2, TIMESTAMP '2026-01-02 11:00:00', '/a')",
    );
    await q('ANALYZE rat.shop.visits');
    const stats = (await restTable('main', 'shop', 'visits')).body.metadata.statistics;
    assert.equal(stats.length, 1, 'ANALYZE committed one statistics file');
    await q("COMMENT ON TABLE rat.shop.visits IS 'page views'");
    await q('ALTER TABLE rat.shop.visits RENAME COLUMN page TO path');
    await q("ALTER TABLE rat.shop.visits SET PROPERTIES partitioning = ARRAY['month(at)']");
    await q("INSERT INTO rat.shop.visits VALUES (3, TIMESTAMP '2026-02-01 09:00:00', '/b')");
    assert.deepEqual(await rows('SELECT id, path FROM rat.shop.visits ORDER BY id'), [
      [1, '/'],
      [2, '/a'],
      [3, '/b'],
    ]);
    const md = (await restTable('main', 'shop', 'visits')).body.metadata;
    assert.equal(md.properties.comment, 'page views');
    assert.equal(md['partition-specs'].length, 2);

    // A replace keeps the table's history and uuid, and swaps schema and data in one commit.
    await q('CREATE OR REPLACE TABLE rat.shop.visits AS SELECT id FROM rat.shop.visits WHERE id > 1');
    assert.deepEqual(await rows('SELECT * FROM rat.shop.visits ORDER BY id'), [[2], [3]]);
    const replaced = (await restTable('main', 'shop', 'visits')).body.metadata;
    assert.equal(replaced['table-uuid'], md['table-uuid']);
    assert.ok(replaced.snapshots.length > md.snapshots.length);
  });

  it('PyIceberg reads the tables Trino wrote (deletes applied) and writes one Trino reads', async () => {
    const py = await runClientScript('trino_interop.py', {
      baseUrl: server.url,
      ref: 'main',
      read: [['shop', 'orders']],
      write: ['shop', 'from_pyiceberg'],
    });
    const read = stepValue<{ rows: Array<Record<string, unknown>>; gc_enabled: string }>(py, 'read shop.orders');
    assert.deepEqual(
      read.rows.map((r) => [r.id, r.item, r.qty]),
      [
        [1, 'apple', 3],
        [3, 'fig', 17],
        [4, 'kiwi', 9],
        [5, 'plum', 1],
      ],
    );
    stepValue(py, 'write shop.from_pyiceberg');
    assert.deepEqual(await rows('SELECT id, name, amount FROM rat.shop.from_pyiceberg ORDER BY id'), [
      [10, 'ten', 1.0],
      [20, 'twenty', 2.5],
    ]);
    // And Trino's row-level delete on PyIceberg's table, read back by PyIceberg.
    await q('DELETE FROM rat.shop.from_pyiceberg WHERE id = 10');
    const again = await runClientScript('trino_interop.py', {
      baseUrl: server.url,
      ref: 'main',
      read: [['shop', 'from_pyiceberg']],
    });
    const back = stepValue<{ rows: Array<{ id: number }>; files: string[] }>(again, 'read shop.from_pyiceberg');
    assert.deepEqual(
      back.rows.map((r) => r.id),
      [20],
    );
    assert.deepEqual(back.files, ['data', 'position_deletes']);
  });

  it('a Trino write on branch feat is invisible on main until merged through the management API', async () => {
    await q("CREATE TABLE rat.shop.ledger AS SELECT * FROM (VALUES (1, 'opening')) t(id, note)");
    const created = await http('POST', `${server.url}/api/v2/trees?name=feat&type=BRANCH`, {
      type: 'BRANCH',
      name: 'main',
      hash: await refHash('main'),
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));

    await q("INSERT INTO rat_feat.shop.ledger VALUES (2, 'on feat')");
    await q("UPDATE rat_feat.shop.ledger SET note = 'opening, edited' WHERE id = 1");
    await q('CREATE TABLE rat_feat.shop.feat_only (id bigint)');
    assert.deepEqual(await rows('SELECT id, note FROM rat_feat.shop.ledger ORDER BY id'), [
      [1, 'opening, edited'],
      [2, 'on feat'],
    ]);
    assert.deepEqual(await rows('SELECT id, note FROM rat.shop.ledger ORDER BY id'), [[1, 'opening']]);
    assert.equal((await failure('SELECT * FROM rat.shop.feat_only')).errorName, 'TABLE_NOT_FOUND');

    const main = await refHash('main');
    const merge = await http('POST', `${server.url}/api/v2/trees/main@${main}/history/merge`, {
      fromRefName: 'feat',
      fromHash: await refHash('feat'),
    });
    assert.equal(merge.status, 200, JSON.stringify(merge.body));
    assert.deepEqual(await rows('SELECT id, note FROM rat.shop.ledger ORDER BY id'), [
      [1, 'opening, edited'],
      [2, 'on feat'],
    ]);
    assert.deepEqual(await rows('SELECT count(*) FROM rat.shop.feat_only'), [[0]]);
  });

  it('DROP TABLE on main leaves the same table on feat readable', async () => {
    await q('DROP TABLE rat.shop.ledger');
    assert.equal((await failure('SELECT * FROM rat.shop.ledger')).errorName, 'TABLE_NOT_FOUND');
    assert.deepEqual(await rows('SELECT id FROM rat_feat.shop.ledger ORDER BY id'), [[1], [2]]);
  });

  it('expire_snapshots is refused (gc.enabled=false) and removes nothing', async () => {
    const before = (await restTable('main', 'shop', 'orders')).body.metadata;
    const err = await failure("ALTER TABLE rat.shop.orders EXECUTE expire_snapshots(retention_threshold => '0s')", {
      // Trino's own floor (7 days) would refuse first; lower it so that only the table's gc.enabled=false can refuse.
      'rat.expire_snapshots_min_retention': '0s',
    });
    // Iceberg's expireSnapshots throws a ValidationException ("GC is disabled"), which Trino reports as this kind.
    assert.equal(err.errorName, 'GENERIC_INTERNAL_ERROR');
    const after = (await restTable('main', 'shop', 'orders')).body.metadata;
    assert.equal(after.snapshots.length, before.snapshots.length);
    for (const s of after.snapshots as Array<{ 'manifest-list': string }>) {
      assert.ok(existsSync(fileURLToPath(s['manifest-list'])), s['manifest-list']);
    }
    assert.deepEqual(await rows('SELECT count(*) FROM rat.shop.orders'), [[4]]);
  });

  it('remove_orphan_files is held back by the catalog file (it would delete files other branches read)', async () => {
    const err = await failure("ALTER TABLE rat.shop.orders EXECUTE remove_orphan_files(retention_threshold => '7d')");
    assert.equal(err.errorName, 'INVALID_PROCEDURE_ARGUMENT');
  });

  it('on an S3 warehouse: create, CTAS, row-level delete and read back, files in the bucket', async () => {
    await q('CREATE SCHEMA rat_s3.lake');
    await q("CREATE TABLE rat_s3.lake.events AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) t(id, tag)");
    await q('DELETE FROM rat_s3.lake.events WHERE id = 2');
    await q("INSERT INTO rat_s3.lake.events VALUES (4, 'd')");
    assert.deepEqual(await rows('SELECT id, tag FROM rat_s3.lake.events ORDER BY id'), [
      [1, 'a'],
      [3, 'c'],
      [4, 'd'],
    ]);
    const t = await http('GET', `${s3Server.url}/iceberg/main/v1/namespaces/lake/tables/events`);
    assert.ok(t.body.metadata.location.startsWith(`s3://${BUCKET}/warehouse/`), t.body.metadata.location);
    const files = (await rows('SELECT file_path, content FROM rat_s3.lake."events$files"')) as Array<[string, number]>;
    assert.deepEqual([...new Set(files.map(([, c]) => c))].sort(), [0, 1]);
    for (const [file] of files) {
      assert.ok(file.startsWith(`s3://${BUCKET}/warehouse/`), file);
      assert.ok(existsSync(path.join(s3.dataDir, BUCKET, file.slice(`s3://${BUCKET}/`.length))), file);
    }
  });

  it("Trino's Nessie catalog type on /api/v2 writes tables the REST catalog reads, and reads what it wrote", async () => {
    await q('CREATE SCHEMA rat_nessie.nessie_shop');
    await q('CREATE TABLE rat_nessie.nessie_shop.items (id bigint, name varchar)');
    await q("INSERT INTO rat_nessie.nessie_shop.items VALUES (1, 'one'), (2, 'two')");
    assert.deepEqual(await rows('SELECT id, name FROM rat.nessie_shop.items ORDER BY id'), [
      [1, 'one'],
      [2, 'two'],
    ]);
    // A table written through the REST catalog (its 63-bit snapshot ids exact in the content) reads the same here.
    assert.deepEqual(
      await rows('SELECT id, item, qty FROM rat_nessie.shop.orders ORDER BY id'),
      await rows('SELECT id, item, qty FROM rat.shop.orders ORDER BY id'),
    );
    await q("INSERT INTO rat.nessie_shop.items VALUES (3, 'three')");
    assert.deepEqual(await rows('SELECT count(*) FROM rat_nessie.nessie_shop.items'), [[3]]);
  });

  it('no request of the Trino session was answered 5xx', () => {
    assert.ok(proxy.exchanges.length > 0);
    if (process.env.RAT_CLIENT_ECHO === '1') console.log(JSON.stringify(proxy.failures(400), null, 1));
    assert.deepEqual(proxy.failures(500), []);
  });
});
