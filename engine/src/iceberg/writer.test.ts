import assert from 'node:assert/strict';
import path from 'node:path';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import { decodeManifest, fromSingleValue } from '@ratatouille/iceberg';
import type { DuckDbRunner } from '../sql/duckdb-runner.ts';
import { useEngineFixture } from '../testing/engine-fixture.ts';
import { writeTable } from './writer.ts';
import { FINGERPRINT_PROPERTY } from './fingerprint.ts';
import { planScan, registerTableView, scanSql } from './reader.ts';
import { readLocation } from './files.ts';
import { readManifestList, refSnapshot } from './manifests.ts';

describe('engine: Iceberg writer and reader', function () {
  this.timeout(60_000);
  const fx = useEngineFixture();
  let sql: DuckDbRunner;
  let client: IcebergRestClient;
  const t = { namespace: ['bronze'], name: 'orders' };
  beforeEach(() => ({ sql, client } = fx));

  const src = (from: number, to: number) =>
    `SELECT i::INTEGER AS id, 'c' || (i % 3) AS customer, (i * 1.25)::DECIMAL(10,2) AS amount, DATE '2024-01-01' + (i % 4)::INTEGER AS order_date FROM range(${from}, ${to}) t(i)`;

  it('creates, appends and reads back with field ids, stats and sequence numbers', async () => {
    const r1 = await writeTable(sql, client, t, src(0, 10), { mode: 'append' });
    assert.equal(r1.created, true);
    assert.equal(r1.addedRows, 10);
    const r2 = await writeTable(sql, client, t, src(10, 15), { mode: 'append', properties: { 'rat.run-id': 'r1' } });
    assert.equal(r2.created, false);
    const md = (await client.loadTable(t)).metadata;
    assert.equal(md['last-sequence-number'], 2);
    const snap = refSnapshot(md)!;
    assert.equal(snap.summary['rat.run-id'], 'r1');
    assert.equal(snap.summary['total-records'], '15');
    const manifests = await readManifestList(snap['manifest-list']!);
    assert.equal(manifests.length, 2);
    const m = decodeManifest(await readLocation(manifests[0].manifestPath));
    const f = m.entries[0].dataFile;
    assert.equal(fromSingleValue('int', f.lowerBounds!.get(1)!), 10);
    assert.equal(fromSingleValue('int', f.upperBounds!.get(1)!), 14);
    assert.equal(fromSingleValue('decimal(10,2)', f.upperBounds!.get(3)!), 1750n);
    const fieldIds = await sql.query(
      `SELECT name, field_id FROM parquet_schema('${f.filePath.replace('file://', '')}') WHERE field_id IS NOT NULL ORDER BY field_id`,
    );
    assert.deepEqual(
      fieldIds.map((r) => r.name),
      ['id', 'customer', 'amount', 'order_date'],
    );
    await registerTableView(sql, md, ['bronze'], 'orders');
    const rows = await sql.query('SELECT count(*) AS n, sum(id) AS s FROM bronze.orders');
    assert.deepEqual(rows, [{ n: '15', s: '105' }]);
  });

  it('overwrites, writes partitioned tables and replaces partitions', async () => {
    await writeTable(sql, client, t, src(0, 8), { mode: 'append', partitionBy: ['day(order_date)', 'bucket(4, id)'] });
    let md = (await client.loadTable(t)).metadata;
    const plan = await planScan(md);
    assert.ok(plan.data.length > 1);
    for (const d of plan.data) assert.equal(typeof d.file.partition.order_date_day, 'number');
    await writeTable(sql, client, t, `SELECT * FROM (${src(100, 101)})`, { mode: 'overwrite-partitions' });
    md = (await client.loadTable(t)).metadata;
    await registerTableView(sql, md, ['bronze'], 'orders');
    // id 100 has order_date day 0 and its own bucket: only that (day, bucket) partition was replaced.
    const n = await sql.query('SELECT count(*) AS n FROM bronze.orders');
    assert.ok(Number(n[0].n) >= 7 && Number(n[0].n) <= 9);
    await writeTable(sql, client, t, src(0, 3), { mode: 'overwrite' });
    md = (await client.loadTable(t)).metadata;
    await registerTableView(sql, md, ['bronze'], 'orders');
    assert.deepEqual(await sql.query('SELECT count(*) AS n FROM bronze.orders'), [{ n: '3' }]);
  });

  it('fails on a schema mismatch with a code, and evolves when allowed', async () => {
    await writeTable(sql, client, t, src(0, 2), { mode: 'append' });
    await assert.rejects(writeTable(sql, client, t, `SELECT 1::INTEGER AS id, 'x' AS extra`, { mode: 'append' }), {
      code: 'SCHEMA_MISMATCH',
    });
    await assert.rejects(writeTable(sql, client, t, `SELECT 'abc' AS id`, { mode: 'append' }), {
      code: 'SCHEMA_MISMATCH',
    });
    await writeTable(sql, client, t, `SELECT 1::INTEGER AS id, 'x' AS extra`, { mode: 'append', evolveSchema: true });
    const md = (await client.loadTable(t)).metadata;
    assert.equal(md.schemas.length, 2);
    await registerTableView(sql, md, ['bronze'], 'orders');
    assert.deepEqual(await sql.query(`SELECT count(extra) AS n, count(*) AS m FROM bronze.orders`), [
      { n: '1', m: '3' },
    ]);
  });

  it('reads a table that only ever had one schema by column name, and by field id once its schema changed', async () => {
    await writeTable(sql, client, t, src(0, 4), { mode: 'append' });
    let md = (await client.loadTable(t)).metadata;
    const byName = await scanSql(sql, await planScan(md));
    assert.doesNotMatch(byName, /schema=/);
    assert.deepEqual(await sql.query(`SELECT sum(id) AS s, sum(amount) AS a, min(order_date) AS d FROM (${byName})`), [
      { s: '6', a: '7.50', d: '2024-01-01' },
    ]);
    await writeTable(sql, client, t, `SELECT 9::INTEGER AS id, 'x' AS extra`, { mode: 'append', evolveSchema: true });
    md = (await client.loadTable(t)).metadata;
    const byId = await scanSql(sql, await planScan(md));
    assert.match(byId, /schema=/);
    assert.deepEqual(await sql.query(`SELECT sum(id) AS s, count(extra) AS e FROM (${byId})`), [{ s: '15', e: '1' }]);
  });

  it('rebases on a concurrent commit (409) instead of losing it', async () => {
    await writeTable(sql, client, t, src(0, 2), { mode: 'append' });
    let injected = false;
    class RacingClient extends IcebergRestClient {
      override async commitTable(...args: Parameters<IcebergRestClient['commitTable']>) {
        if (!injected) {
          injected = true;
          await writeTable(sql, client, t, src(2, 4), { mode: 'append' });
        }
        return super.commitTable(...args);
      }
    }
    const r = await writeTable(sql, new RacingClient({ server: fx.url }), t, src(4, 6), { mode: 'append' });
    assert.equal(r.attempts, 2);
    const md = (await client.loadTable(t)).metadata;
    await registerTableView(sql, md, ['bronze'], 'orders');
    assert.deepEqual(await sql.query('SELECT count(*) AS n FROM bronze.orders'), [{ n: '6' }]);
  });

  it('commits nothing when an overwrite leaves the same content (fingerprint of the files, kept in the summary)', async () => {
    const partitioned = { namespace: ['gold'], name: 'daily' };
    for (const [target, partitionBy] of [
      [t, undefined],
      [partitioned, ['day(order_date)']],
    ] as const) {
      const first = await writeTable(sql, client, target, src(0, 20), {
        mode: 'overwrite',
        partitionBy: partitionBy ? [...partitionBy] : undefined,
      });
      const md1 = (await client.loadTable(target)).metadata;
      // A first write cannot be a no-op: its files are not read back for a fingerprint.
      assert.equal(refSnapshot(md1)!.summary[FINGERPRINT_PROPERTY], undefined);
      // Same rows in another order: no new snapshot, and no stray data file left behind.
      const again = await writeTable(sql, client, target, `SELECT * FROM (${src(0, 20)}) ORDER BY id DESC`, {
        mode: 'overwrite',
      });
      assert.equal(again.unchanged, true);
      assert.equal(again.snapshotId, first.snapshotId);
      const md2 = (await client.loadTable(target)).metadata;
      assert.equal(md2.snapshots.length, md1.snapshots.length);
      const dataDir = path.join(md1.location.replace('file://', ''), 'data');
      const live = await sql.query(
        `SELECT count(*) AS n FROM glob(${JSON.stringify(`${dataDir}/**/*.parquet`).replace(/"/g, "'")})`,
      );
      assert.equal(Number(live[0].n), first.addedFiles);
      // One value changed: written.
      const changed = await writeTable(sql, client, target, `${src(0, 19)} UNION ALL ${src(20, 21)}`, {
        mode: 'overwrite',
      });
      assert.notEqual(changed.unchanged, true);
      const md3 = (await client.loadTable(target)).metadata;
      assert.equal(md3.snapshots.length, md1.snapshots.length + 1);
      // As many rows as the table had: fingerprinted, and the fingerprint is kept for the next run.
      assert.match(refSnapshot(md3)!.summary[FINGERPRINT_PROPERTY], /^[0-9a-f]{32}$/);
      const same = await writeTable(sql, client, target, `${src(0, 19)} UNION ALL ${src(20, 21)}`, {
        mode: 'overwrite',
      });
      assert.equal(same.unchanged, true);
      // More rows than the table has: written without reading the files back.
      const grown = await writeTable(sql, client, target, src(0, 25), { mode: 'overwrite' });
      assert.notEqual(grown.unchanged, true);
      assert.equal(refSnapshot((await client.loadTable(target)).metadata)!.summary[FINGERPRINT_PROPERTY], undefined);
    }
  });

  it("reads each row's id and last update (v3 row lineage), also from a table with no rows", async () => {
    await writeTable(sql, client, t, src(0, 3), { mode: 'append' });
    const plan = await planScan((await client.loadTable(t)).metadata);
    // A v2 table's files have no first row id: the ids are null; the last update is the file's sequence number.
    const rows = await sql.query(
      `SELECT id, _row_id, _last_updated_sequence_number AS seq FROM (${await scanSql(sql, plan, { rowLineage: true })}) ORDER BY id`,
    );
    assert.deepEqual(
      rows.map((r) => [r.id, r._row_id, Number(r.seq)]),
      [
        [0, null, 1],
        [1, null, 1],
        [2, null, 1],
      ],
    );
    const none = await scanSql(sql, { ...plan, data: [] }, { rowLineage: true, withFile: true });
    assert.deepEqual((await sql.describe(none)).map((c) => c.name).slice(-4), [
      '__rat_file',
      '__rat_pos',
      '_row_id',
      '_last_updated_sequence_number',
    ]);
  });
});
