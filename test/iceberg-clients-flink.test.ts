import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  FlinkSqlError,
  flinkSnippetStatements,
  flinkVersions,
  runClientScript,
  startFlink,
  stepValue,
  type FlinkMode,
  type FlinkSession,
} from './support/clients/index.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';
import { http } from './support/server.ts';

/** Snapshot ids parsed as JavaScript numbers: fine for walking the parent chain, not for sending an id back. */
interface Snapshot {
  'snapshot-id': number;
  'parent-snapshot-id'?: number;
  summary: Record<string, string>;
}

/**
 * Apache Flink (embedded: one MiniCluster inside one JVM runs every job) with Apache Iceberg's Flink connector, through
 * the documented catalog snippet (test/clients/snippets/flink.sql), against a real `rat serve` on port 0 with a file
 * warehouse. Flink SQL in batch and in streaming mode: DDL, partitioned tables, batch INSERT and SELECT, a streaming
 * INSERT that commits once per checkpoint, upserts with equality deletes on a v2 table with a primary key, ALTER TABLE
 * ADD column, and a write on a feature branch that main sees only once merged through the management API. Versions are
 * pinned in test/java/flink/pom.xml; the jars are resolved once with Maven into the client cache (the first run
 * downloads about 200 MB), after which the file takes a minute or two.
 */
describe('Flink through the Iceberg REST catalog', function () {
  this.timeout(600_000);
  let dataDir: string;
  let server: ServerProcess;
  let flink: FlinkSession;
  /** Each snippet statement's rows, per mode. */
  let snippet: Record<FlinkMode, string[][][]>;

  before(async function () {
    this.timeout(1_800_000);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'rat-flink-data-'));
    server = await startServerProcess(['--data-dir', dataDir, '--log-level', 'warn']);
    flink = await startFlink();
    // The catalog is created in both table environments: a Flink catalog belongs to one environment.
    snippet = { batch: [], streaming: [] };
    for (const mode of ['batch', 'streaming'] as const) {
      for (const statement of flinkSnippetStatements(`${server.url}/iceberg/main`)) {
        snippet[mode].push((await sql(mode, statement)).map((r) => r.map(String)));
      }
    }
  });

  after(async function () {
    this.timeout(120_000);
    await flink?.stop();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs a statement and returns its rows; a failure carries the tail of Flink's log. */
  async function sql(mode: FlinkMode, statement: string): Promise<unknown[][]> {
    try {
      return (await flink.sql(mode, statement)).rows;
    } catch (err) {
      if (err instanceof FlinkSqlError) {
        // Flink's log without stack frames: the exceptions and warnings are what say why.
        const log = flink
          .output()
          .split('\n')
          .filter((l) => !/^\s+at |^\s+\.\.\. \d+ more/.test(l));
        err.message += `\n--- Flink log tail ---\n${log.slice(-40).join('\n')}`;
      }
      throw err;
    }
  }
  const batch = (statement: string) => sql('batch', statement);
  const streaming = (statement: string) => sql('streaming', statement);

  const restTable = async (ref: string, table: string) => {
    const r = await http('GET', `${server.url}/iceberg/${ref}/v1/namespaces/flink/tables/${table}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.metadata as {
      'format-version': number;
      'current-snapshot-id': number;
      snapshots: Snapshot[];
      schemas: Array<{
        'schema-id': number;
        fields: Array<{ id: number; name: string }>;
        'identifier-field-ids'?: number[];
      }>;
      'current-schema-id': number;
      'partition-specs': Array<{ 'spec-id': number; fields: Array<{ name: string; transform: string }> }>;
      'default-spec-id': number;
    };
  };
  /** A table's snapshots from the current one back to the first, oldest first. */
  const history = async (ref: string, table: string): Promise<Snapshot[]> => {
    const m = await restTable(ref, table);
    const byId = new Map(m.snapshots.map((s) => [s['snapshot-id'], s]));
    const chain: Snapshot[] = [];
    for (let s = byId.get(m['current-snapshot-id']); s; s = byId.get(s['parent-snapshot-id'] ?? -1)) chain.unshift(s);
    return chain;
  };
  const refHash = async (ref: string): Promise<string> =>
    (await http('GET', `${server.url}/api/v2/trees/${ref}`)).body.reference.hash;

  it('the documented snippet connects in both modes: CREATE CATALOG, USE CATALOG, SHOW DATABASES', () => {
    const { flink: version, icebergRuntime, iceberg } = flinkVersions();
    console.log(`      Flink ${version}, ${icebergRuntime} ${iceberg}`);
    for (const mode of ['batch', 'streaming'] as const) {
      assert.equal(snippet[mode].length, 3, `${mode}: ${JSON.stringify(snippet[mode])}`);
      // A fresh catalog: no namespaces yet.
      assert.deepEqual(snippet[mode][2], [], mode);
    }
  });

  it('CREATE DATABASE, CREATE TABLE, a batch INSERT INTO and SELECT read back what was written', async () => {
    await batch('CREATE DATABASE rat.flink');
    assert.equal((await http('GET', `${server.url}/iceberg/main/v1/namespaces/flink`)).status, 200);
    await batch('CREATE TABLE rat.flink.orders (id BIGINT, customer STRING, amount DECIMAL(10, 2), placed DATE)');
    await batch(`INSERT INTO rat.flink.orders VALUES
      (1, 'ann', 12.50, DATE '2026-01-02'), (2, 'bob', 7.25, DATE '2026-01-03'), (3, 'cy', 100.00, DATE '2026-01-03')`);
    assert.deepEqual(await batch('SELECT id, customer, amount, placed FROM rat.flink.orders ORDER BY id'), [
      [1, 'ann', '12.50', '2026-01-02'],
      [2, 'bob', '7.25', '2026-01-03'],
      [3, 'cy', '100.00', '2026-01-03'],
    ]);
    assert.deepEqual(
      await batch("SELECT COUNT(*), SUM(amount) FROM rat.flink.orders WHERE placed = DATE '2026-01-03'"),
      [[2, '107.25']],
    );
    // One commit, made by Flink's Iceberg committer (it stamps its job id on the snapshot).
    const snapshots = await history('main', 'orders');
    assert.equal(snapshots.length, 1);
    assert.equal(snapshots[0].summary.operation, 'append');
    assert.equal(snapshots[0].summary['added-records'], '3');
    assert.match(snapshots[0].summary['flink.job-id'] ?? '', /^[0-9a-f]{32}$/);
    assert.deepEqual(await batch('SHOW TABLES FROM rat.flink'), [['orders']]);
  });

  it('a partitioned table: PARTITIONED BY becomes an identity spec, and reads prune by partition', async () => {
    await batch('CREATE TABLE rat.flink.events (id BIGINT, category STRING, v INT) PARTITIONED BY (category)');
    await batch(`INSERT INTO rat.flink.events VALUES
      (1, 'click', 1), (2, 'view', 2), (3, 'click', 3), (4, 'buy', 4), (5, 'view', 5), (6, 'click', 6)`);
    const m = await restTable('main', 'events');
    const spec = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id']);
    assert.deepEqual(
      spec?.fields.map((f) => [f.name, f.transform]),
      [['category', 'identity']],
    );
    assert.deepEqual(
      await batch('SELECT category, COUNT(*), SUM(v) FROM rat.flink.events GROUP BY category ORDER BY category'),
      [
        ['buy', 1, 4],
        ['click', 3, 10],
        ['view', 2, 7],
      ],
    );
    assert.deepEqual(await batch("SELECT id FROM rat.flink.events WHERE category = 'click' ORDER BY id"), [
      [1],
      [3],
      [6],
    ]);
    // One data file per partition value, as Iceberg's metadata table lists them.
    assert.deepEqual(
      await batch('SELECT `partition`.category, record_count FROM rat.flink.`events$files` ORDER BY 1'),
      [
        ['buy', 1],
        ['click', 3],
        ['view', 2],
      ],
    );
  });

  it('a streaming INSERT with checkpoints every second commits several times, one snapshot per checkpoint', async () => {
    await streaming(`CREATE TEMPORARY TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '8',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '40')`);
    await streaming('CREATE TABLE rat.flink.clicks (id BIGINT, label STRING)');
    await streaming("INSERT INTO rat.flink.clicks SELECT id, CONCAT('tick-', CAST(id AS STRING)) FROM ticks");
    const snapshots = await history('main', 'clicks');
    const summary = snapshots.map((s) => s.summary);
    assert.ok(snapshots.length >= 3, `one commit per checkpoint over ~5 s: ${JSON.stringify(summary)}`);
    assert.ok(summary.every((s) => s.operation === 'append'));
    // One job, several commits, each for a later checkpoint than the one before.
    assert.equal(new Set(summary.map((s) => s['flink.job-id'])).size, 1, JSON.stringify(summary));
    const checkpoints = summary.map((s) => Number(s['flink.max-committed-checkpoint-id']));
    assert.deepEqual(
      checkpoints,
      [...checkpoints].sort((a, b) => a - b),
      `checkpoint ids ${checkpoints}`,
    );
    assert.equal(new Set(checkpoints).size, checkpoints.length, `checkpoint ids ${checkpoints}`);
    const added = summary.reduce((n, s) => n + Number(s['added-records'] ?? 0), 0);
    assert.equal(added, 40);
    assert.deepEqual(await batch('SELECT COUNT(*), COUNT(DISTINCT id), MIN(id), MAX(id) FROM rat.flink.clicks'), [
      [40, 40, 1, 40],
    ]);
    console.log(`      ${snapshots.length} commits for 40 rows`);
  });

  it('upserts on a v2 table with a primary key write equality deletes; reads see the merged rows', async () => {
    await batch(`CREATE TABLE rat.flink.accounts (id BIGINT, owner STRING, balance INT, PRIMARY KEY (id) NOT ENFORCED)
      WITH ('format-version' = '2', 'write.upsert.enabled' = 'true')`);
    const m = await restTable('main', 'accounts');
    assert.equal(m['format-version'], 2);
    const schema = m.schemas.find((s) => s['schema-id'] === m['current-schema-id'])!;
    const idField = schema.fields.find((f) => f.name === 'id')!.id;
    assert.deepEqual(schema['identifier-field-ids'], [idField]);

    await batch("INSERT INTO rat.flink.accounts VALUES (1, 'ann', 10), (2, 'bob', 20), (3, 'cy', 30)");
    await batch("INSERT INTO rat.flink.accounts VALUES (2, 'bob', 25), (4, 'dee', 40)");
    await streaming("INSERT INTO rat.flink.accounts VALUES (3, 'cy', 35), (1, 'ann', 11)");
    assert.deepEqual(await batch('SELECT id, owner, balance FROM rat.flink.accounts ORDER BY id'), [
      [1, 'ann', 11],
      [2, 'bob', 25],
      [3, 'cy', 35],
      [4, 'dee', 40],
    ]);
    const summary = (await history('main', 'accounts')).map((s) => s.summary);
    assert.equal(summary.length, 3, JSON.stringify(summary));
    // The upserts replaced rows by key: each later commit adds rows and equality deletes for their keys, an overwrite.
    for (const s of summary.slice(1)) {
      assert.equal(s.operation, 'overwrite', JSON.stringify(s));
      assert.ok(Number(s['added-equality-deletes'] ?? 0) >= 2, JSON.stringify(s));
    }
  });

  it('scans planned by the catalog (scan-planning-mode=server) read the same rows, equality deletes applied', async () => {
    await batch(`CREATE CATALOG rat_srv WITH ('type' = 'iceberg', 'catalog-type' = 'rest',
      'uri' = '${server.url}/iceberg/main', 'scan-planning-mode' = 'server')`);
    for (const query of [
      'SELECT id, owner, balance FROM %s.flink.accounts ORDER BY id',
      "SELECT id FROM %s.flink.events WHERE category = 'click' ORDER BY id",
      'SELECT category, COUNT(*), SUM(v) FROM %s.flink.events GROUP BY category ORDER BY category',
    ]) {
      const planned = await batch(query.replace('%s', 'rat_srv'));
      assert.ok(planned.length > 0, query);
      assert.deepEqual(planned, await batch(query.replace('%s', 'rat')), query);
    }
    const plans = (await (await fetch(`${server.url}/metrics`)).text())
      .split('\n')
      .filter((l) => l.startsWith('rat_http_requests_total{') && l.includes('/plan"') && l.includes('status="200"'));
    assert.ok(plans.length > 0, 'POST …/plan answered');
  });

  it('ALTER TABLE ADD column evolves the schema; old rows read the new column as NULL', async () => {
    const before = (await restTable('main', 'orders'))['current-schema-id'];
    await batch('ALTER TABLE rat.flink.orders ADD note STRING');
    const m = await restTable('main', 'orders');
    assert.notEqual(m['current-schema-id'], before);
    const fields = m.schemas.find((s) => s['schema-id'] === m['current-schema-id'])!.fields.map((f) => f.name);
    assert.deepEqual(fields, ['id', 'customer', 'amount', 'placed', 'note']);
    await batch("INSERT INTO rat.flink.orders VALUES (4, 'dee', 3.10, DATE '2026-01-04', 'gift')");
    assert.deepEqual(await batch('SELECT id, note FROM rat.flink.orders ORDER BY id'), [
      [1, null],
      [2, null],
      [3, null],
      [4, 'gift'],
    ]);
    // The snapshot before the ALTER, read through Flink's snapshot-id option: its rows, in the table's current schema.
    // (Its id from Flink's snapshots table, as text: snapshot ids exceed what a JavaScript number holds exactly.)
    const [[first]] = await batch('SELECT snapshot_id FROM rat.flink.`orders$snapshots` ORDER BY committed_at LIMIT 1');
    assert.deepEqual(
      await batch(`SELECT id, note FROM rat.flink.orders /*+ OPTIONS('snapshot-id' = '${first}') */ ORDER BY id`),
      [
        [1, null],
        [2, null],
        [3, null],
      ],
    );
  });

  it('a write on branch feature stays off main until merged; then Flink, PyIceberg and DuckDB read it from main', async () => {
    // A catalog on a branch that does not exist yet is refused when it is created, naming the branch.
    const missing = await batch(flinkSnippetStatements(`${server.url}/iceberg/feature`, 'rat_feature')[0]).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(missing instanceof FlinkSqlError, String(missing));
    assert.match(missing.causes.join('\n'), /feature/);

    const created = await http('POST', `${server.url}/api/v2/trees?name=feature&type=BRANCH`, {
      type: 'BRANCH',
      name: 'main',
      hash: await refHash('main'),
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    // The documented snippet once more, as catalog rat_feature on the branch.
    for (const statement of flinkSnippetStatements(`${server.url}/iceberg/feature`, 'rat_feature'))
      await batch(statement);

    await batch("INSERT INTO rat_feature.flink.orders VALUES (5, 'eve', 55.00, DATE '2026-01-05', 'on feature')");
    await batch('CREATE TABLE rat_feature.flink.feature_only (id BIGINT)');
    await batch('INSERT INTO rat_feature.flink.feature_only VALUES (1), (2)');
    assert.deepEqual(await batch('SELECT id FROM rat_feature.flink.orders ORDER BY id'), [[1], [2], [3], [4], [5]]);
    assert.deepEqual(await batch('SELECT id FROM rat.flink.orders ORDER BY id'), [[1], [2], [3], [4]]);
    assert.deepEqual((await batch('SHOW TABLES FROM rat.flink')).map((r) => r[0]).sort(), [
      'accounts',
      'clicks',
      'events',
      'orders',
    ]);

    const merge = await http('POST', `${server.url}/api/v2/trees/main@${await refHash('main')}/history/merge`, {
      fromRefName: 'feature',
      fromHash: await refHash('feature'),
    });
    assert.equal(merge.status, 200, JSON.stringify(merge.body));

    assert.deepEqual(await batch('SELECT id, note FROM rat.flink.orders ORDER BY id'), [
      [1, null],
      [2, null],
      [3, null],
      [4, 'gift'],
      [5, 'on feature'],
    ]);
    assert.deepEqual(await batch('SELECT id FROM rat.flink.feature_only ORDER BY id'), [[1], [2]]);

    // The merged main through two other clients: PyIceberg, and DuckDB also for the upserted table.
    const py = await runClientScript('flink_interop.py', {
      baseUrl: server.url,
      ref: 'main',
      read: [['flink', 'orders']],
      duckdb: [
        ['flink', 'orders'],
        ['flink', 'accounts'],
      ],
    });
    const orders = [
      [1, 'ann', null],
      [2, 'bob', null],
      [3, 'cy', null],
      [4, 'dee', 'gift'],
      [5, 'eve', 'on feature'],
    ];
    type Rows = { rows: Array<Record<string, unknown>> };
    for (const step of ['pyiceberg flink.orders', 'duckdb flink.orders']) {
      const read = stepValue<Rows>(py, step);
      assert.deepEqual(
        read.rows.map((r) => [r.id, r.customer, r.note]),
        orders,
        step,
      );
    }
    assert.deepEqual(
      stepValue<Rows>(py, 'duckdb flink.accounts').rows.map((r) => [r.id, r.balance]),
      [
        [1, 11],
        [2, 25],
        [3, 35],
        [4, 40],
      ],
    );
  });

  it('DROP TABLE on main leaves the copy on branch feature readable', async () => {
    await batch('DROP TABLE rat.flink.events');
    assert.deepEqual((await batch('SHOW TABLES FROM rat.flink')).map((r) => r[0]).sort(), [
      'accounts',
      'clicks',
      'feature_only',
      'orders',
    ]);
    assert.deepEqual(await batch('SELECT COUNT(*) FROM rat_feature.flink.events'), [[6]]);
  });

  it("Iceberg's NessieCatalog in Flink on /api/v2 writes a table the REST catalog reads, and reads what it wrote", async () => {
    // A Flink job configured for Nessie keeps its catalog and points it here; it writes metadata files itself, into
    // the server's warehouse.
    await batch(`CREATE CATALOG nessie WITH (
      'type' = 'iceberg',
      'catalog-impl' = 'org.apache.iceberg.nessie.NessieCatalog',
      'uri' = '${server.url}/api/v2',
      'ref' = 'main',
      'warehouse' = '${pathToFileURL(path.join(dataDir, 'warehouse')).href}'
    )`);
    await batch('CREATE DATABASE nessie.flink_nessie');
    await batch('CREATE TABLE nessie.flink_nessie.items (id BIGINT, name STRING)');
    await batch("INSERT INTO nessie.flink_nessie.items VALUES (1, 'one'), (2, 'two')");
    assert.deepEqual(await batch('SELECT id, name FROM rat.flink_nessie.items ORDER BY id'), [
      [1, 'one'],
      [2, 'two'],
    ]);
    await batch("INSERT INTO rat.flink_nessie.items VALUES (3, 'three')");
    assert.deepEqual(await batch('SELECT COUNT(*) FROM nessie.flink_nessie.items'), [[3]]);
    assert.deepEqual(
      await batch('SELECT COUNT(*) FROM nessie.flink.orders'),
      await batch('SELECT COUNT(*) FROM rat.flink.orders'),
    );
  });

  it("the catalog refused none of Flink's requests: no 5xx, and every 4xx is a 404 for something absent", async () => {
    // The 404s: Flink looks up its default database `default` (not created here) and checks names before creating
    // them; one is the catalog on branch feature before the branch existed. A 400 or 409 would be a request refused.
    const answered = (await (await fetch(`${server.url}/metrics`)).text())
      .split('\n')
      .filter((l) => l.startsWith('rat_http_requests_total{'));
    assert.ok(answered.length > 0);
    assert.deepEqual(
      answered.filter((l) => /status="(5\d\d|4(?!04)\d\d)"/.test(l)),
      [],
    );
  });
});
