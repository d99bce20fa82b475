import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import {
  CommitConflictError,
  compactTables,
  DuckDbRunner,
  liveFiles,
  openEngine,
  planScan,
  scanSql,
  writeTable,
  type TransformOptions,
} from '@ratatouille/engine';
import { startTestServer, type TestServer } from './support/server.ts';
import {
  ensurePythonVenv,
  runChecked,
  runClientScript,
  sparkClientSetup,
  stepValue,
  type ClientRunResult,
} from './support/clients/index.ts';

const v3Table = { namespace: ['spk'], name: 'dv' };
const PY_COMPACT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'clients', 'compact_pyiceberg.py');

/**
 * The engine and real clients read each other's tables: PyIceberg and Spark read an engine-written partitioned table;
 * the engine reads a PyIceberg table with a delete and Spark tables with merge-on-read position deletes and v3
 * deletion vectors, and compacts the Spark tables, applying their deletes and dropping the delete files.
 */
describe('engine: interop with PyIceberg and Spark', function () {
  this.timeout(900_000);
  let server: TestServer;
  let r: ClientRunResult;
  let renamed: Awaited<ReturnType<Awaited<ReturnType<typeof openEngine>>['transform']>>;

  before(async () => {
    server = await startTestServer();
    const eng = await openEngine({ server: server.url });
    try {
      await eng.transform({
        sql: `SELECT i::BIGINT AS id, 'c' || (i % 3) AS customer, (i * 1.5)::DECIMAL(10,2) AS amount,
                DATE '2024-03-01' + (i % 3)::INTEGER AS order_date, TIMESTAMP '2024-03-01 10:00:00' + INTERVAL (i) HOUR AS ts
              FROM range(0, 20) t(i)`,
        target: 'eng.orders',
        partitionBy: ['day(order_date)', 'bucket(4, id)'],
        materialized: 'table',
      });
      await eng.transform({
        sql: `SELECT 20::BIGINT AS id, 'c9' AS customer`,
        target: 'eng.orders',
        materialized: 'incremental',
      });
      // An incremental model whose SELECT renames a column (`amount AS revenue`): sync_all_columns renames it by
      // field id, so the first run's rows keep their values under the new name.
      const sales = {
        target: 'eng.sales',
        materialized: 'incremental' as const,
        onSchemaChange: 'sync_all_columns' as const,
      };
      await eng.transform({
        ...sales,
        sql: `SELECT i::BIGINT AS id, (i * 2.5)::DOUBLE AS amount FROM range(0, 3) t(i)`,
      });
      renamed = await eng.transform({
        ...sales,
        sql: `SELECT id, amount AS revenue FROM (SELECT i::BIGINT AS id, (i * 2.5)::DOUBLE AS amount FROM range(3, 5) t(i))`,
      });
    } finally {
      await eng.close();
    }
    const spark = await sparkClientSetup();
    r = await runClientScript(
      'engine_interop.py',
      { baseUrl: server.url, sparkJar: spark.sparkJar },
      { env: spark.env },
    );
  });
  after(async () => {
    await server?.stop();
  });

  const mainCatalog = () => new IcebergRestClient({ server: server.url, ref: 'main' });
  /** One engine transform on main (a model's write as `rat run` makes it). */
  const transformOnMain = async (t: TransformOptions) => {
    const eng = await openEngine({ server: server.url });
    try {
      return await eng.transform(t);
    } finally {
      await eng.close();
    }
  };
  const engineCount = async (table: string, extra = '') => {
    const eng = await openEngine({ server: server.url });
    try {
      return await eng.query(`SELECT count(*) AS n${extra} FROM ${table}`, [table]);
    } finally {
      await eng.close();
    }
  };

  it('PyIceberg reads what the engine wrote (partitioned, with stats it can filter on)', () => {
    const v = stepValue<{ rows: number; sum_id: number; filtered: number; spec: string[]; columns: string[] }>(
      r,
      'pyiceberg reads engine table',
    );
    assert.equal(v.rows, 21);
    assert.equal(v.sum_id, 210);
    assert.equal(v.filtered, 6);
    assert.deepEqual(v.spec, ['order_date_day', 'id_bucket']);
  });

  it('PyIceberg reads a column renamed by a sync_all_columns model under its new name, old rows included', async () => {
    assert.equal(renamed?.addedRows, 2);
    const v = stepValue<{ columns: string[]; ids: Record<string, number>; rows: [number, number][]; schemas: number }>(
      r,
      'pyiceberg reads a renamed column',
    );
    assert.deepEqual(v.columns, ['id', 'revenue']);
    assert.equal(v.ids.revenue, 2, 'the column kept the field id of amount');
    assert.deepEqual(v.rows, [
      [0, 0],
      [1, 2.5],
      [2, 5],
      [3, 7.5],
      [4, 10],
    ]);
    const [row] = await engineCount('eng.sales', ', sum(revenue) AS s');
    assert.deepEqual(row, { n: '5', s: 25 });
  });

  it('Spark reads what the engine wrote', () => {
    const v = stepValue<{ n: number; s: number }>(r, 'spark reads engine table');
    assert.equal(Number(v.n), 21);
    assert.equal(Number(v.s), 210);
  });

  it('the engine reads a PyIceberg table after a delete', async () => {
    assert.equal(stepValue<number>(r, 'pyiceberg writes a table and deletes a row'), 4);
    const [row] = await engineCount('pyi.t', ', sum(id) AS s');
    assert.deepEqual(row, { n: '4', s: '14' });
  });

  it('the engine applies Spark merge-on-read position deletes', async () => {
    const v = stepValue<{ rows: number; files: { content: number; n: number }[] }>(
      r,
      'spark writes merge-on-read deletes',
    );
    assert.equal(Number(v.rows), 7);
    assert.ok(
      v.files.some((f) => Number(f.content) === 1),
      'Spark wrote position delete files',
    );
    const [row] = await engineCount('spk.mor', `, sum(id) AS s, count(*) FILTER (WHERE v = 'changed') AS c`);
    assert.deepEqual(row, { n: '7', s: String(4 + 5 + 6 + 7 + 8 + 9 + 10), c: '1' });
  });

  it('the engine applies Spark v3 deletion vectors', async () => {
    const v = stepValue<{ rows: number; formats: { file_format: string }[] }>(r, 'spark writes deletion vectors');
    assert.equal(Number(v.rows), 8);
    assert.deepEqual(
      v.formats.map((f) => f.file_format.toLowerCase()),
      ['puffin'],
    );
    const [row] = await engineCount('spk.dv', `, sum(id) AS s, count(*) FILTER (WHERE v = 'changed') AS c`);
    assert.deepEqual(row, { n: '8', s: String(55 - 2 - 4), c: '1' });
  });

  it('an upsert rewrites the files of a merge-on-read table its keys hit, applying their deletes', async () => {
    await transformOnMain({
      sql: `SELECT 5::BIGINT AS id, 'upserted' AS v UNION ALL SELECT 2, 'back'`,
      target: 'spk.keyed',
      materialized: 'incremental',
      mergeKeys: ['id'],
    });
    const [row] = await engineCount('spk.keyed', `, sum(id) AS s, count(*) FILTER (WHERE v = 'upserted') AS u`);
    // id 5 replaced in place; id 2, deleted by Spark, is a new row.
    assert.deepEqual(row, { n: '8', s: String(2 + 4 + 5 + 6 + 7 + 8 + 9 + 10), u: '1' });
    // The file Spark's deletes named was rewritten: they apply to nothing, and a compaction removes them alone.
    const [c] = await compactTables({ server: server.url, branch: 'main', tables: ['spk.keyed'] });
    assert.deepEqual([c!.status, c!.filesRewritten, c!.filesWritten], ['compacted', 0, 0]);
    assert.ok(c!.deleteFilesRemoved > 0);
    assert.equal(c!.deleteFilesRemoved, c!.deleteFilesBefore);
    assert.deepEqual(await engineCount('spk.keyed', ', sum(id) AS s'), [{ n: '8', s: row!.s }]);
  });

  it('a rewrite is refused when a delete file it did not read is live (it would bring deleted rows back)', async () => {
    const catalog = mainCatalog();
    const ident = { namespace: ['spk'], name: 'mor' };
    const md = (await catalog.loadTable(ident))!.metadata;
    const files = await liveFiles(md);
    const data = files.filter((f) => f.file.content === 0);
    const sql = await DuckDbRunner.open();
    try {
      // The table's own rows, as a rewrite that missed the delete files would write them.
      const select = await scanSql(sql, { ...(await planScan(md)), positionDeletes: [], equalityDeletes: [] });
      await assert.rejects(
        writeTable(sql, catalog, ident, select, {
          mode: 'replace',
          replaceFiles: data.map((f) => f.file.filePath),
          deleteFilesRead: [],
          maxAttempts: 1,
        }),
        (err: Error) => err instanceof CommitConflictError && /delete file .* was added meanwhile/.test(err.message),
      );
    } finally {
      await sql.close();
    }
    const after = (await catalog.loadTable(ident))!.metadata;
    assert.equal(after['current-snapshot-id'], md['current-snapshot-id']);
  });

  it('rat compact folds the deletes of a v2 table into its rewrite and drops the delete files; PyIceberg reads it', async () => {
    const table = 'spk.mor';
    const ids = [4, 5, 6, 7, 8, 9, 10];
    const [before] = await engineCount(table, ', sum(id) AS s');
    const [c] = await compactTables({ server: server.url, branch: 'main', tables: [table] });
    assert.equal(c!.status, 'compacted', c!.reason);
    assert.ok(c!.deleteFilesBefore > 0);
    assert.equal(c!.deleteFilesRemoved, c!.deleteFilesBefore);
    assert.equal(c!.rows - c!.rowsDeleted, ids.length);
    assert.deepEqual(await engineCount(table, ', sum(id) AS s'), [before]);
    const md = (await mainCatalog().loadTable({
      namespace: ['spk'],
      name: table.split('.')[1]!,
    }))!.metadata;
    const s = md.snapshots.find((x) => x['snapshot-id'] === md['current-snapshot-id'])!.summary;
    assert.equal(s.operation, 'replace');
    assert.equal(s['total-delete-files'], '0');
    assert.equal(s['removed-delete-files'], String(c!.deleteFilesBefore));
    assert.equal(s['total-records'], String(ids.length));
    const { python } = await ensurePythonVenv();
    const read = JSON.parse(
      (await runChecked(python, [PY_COMPACT, `${server.url}/iceberg/main`, 'read', table])).stdout,
    );
    assert.deepEqual(read, { ids, files: 1, operation: 'replace' });
  });

  it('the engine appends to a v3 table with row ids for its rows', async () => {
    const catalog = mainCatalog();
    const ident = { namespace: ['spk'], name: 'dv' };
    const before = (await catalog.loadTable(ident))!.metadata;
    await transformOnMain({
      sql: `SELECT i::BIGINT AS id, 'v' || i AS v FROM range(11, 14) t(i)`,
      target: 'spk.dv',
      materialized: 'incremental',
    });
    const after = (await catalog.loadTable(ident))!.metadata;
    const snap = after.snapshots.find((s) => s['snapshot-id'] === after['current-snapshot-id'])!;
    assert.deepEqual(
      [snap['first-row-id'], snap['added-rows'], after['next-row-id']],
      [before['next-row-id'], 3, Number(before['next-row-id']) + 3],
    );
    const [row] = await engineCount('spk.dv', ', sum(id) AS s');
    assert.deepEqual(row, { n: '11', s: String(55 - 2 - 4 + 11 + 12 + 13) });
    // PyIceberg reads the table: Spark's deletion vectors and the engine's appended rows.
    const { python } = await ensurePythonVenv();
    const read = JSON.parse(
      (await runChecked(python, [PY_COMPACT, `${server.url}/iceberg/main`, 'read', 'spk.dv'])).stdout,
    );
    assert.deepEqual(read.ids, [1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  /** Each row of the v3 table with its row id and last update, as the spec assigns them (the engine's scan). */
  const v3Lineage = async () => {
    const md = (await mainCatalog().loadTable(v3Table))!.metadata;
    const sql = await DuckDbRunner.open();
    try {
      const select = await scanSql(sql, await planScan(md), { rowLineage: true });
      return await sql.query(
        `SELECT id, v, _row_id, _last_updated_sequence_number AS seq FROM (${select}) ORDER BY id`,
      );
    } finally {
      await sql.close();
    }
  };

  it('rat compact rewrites a v3 table with its deletion vectors applied, each row keeping its id', async () => {
    const catalog = mainCatalog();
    const ident = v3Table;
    const lineage = v3Lineage;
    const before = await lineage();
    assert.equal(new Set(before.map((r) => r._row_id)).size, 11, 'every row has an id of its own');
    const [c] = await compactTables({ server: server.url, branch: 'main', tables: ['spk.dv'] });
    assert.equal(c!.status, 'compacted', c!.reason);
    assert.ok(c!.deleteFilesBefore > 0);
    assert.equal(c!.deleteFilesRemoved, c!.deleteFilesBefore);
    assert.deepEqual(await lineage(), before);
    const md = (await catalog.loadTable(ident))!.metadata;
    const s = md.snapshots.find((x) => x['snapshot-id'] === md['current-snapshot-id'])!;
    assert.deepEqual([s.summary.operation, s.summary['total-delete-files']], ['replace', '0']);
    const { python } = await ensurePythonVenv();
    const read = JSON.parse(
      (await runChecked(python, [PY_COMPACT, `${server.url}/iceberg/main`, 'read', 'spk.dv'])).stdout,
    );
    assert.deepEqual(read, { ids: [1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13], files: 1, operation: 'replace' });
  });

  it('an upsert into a v3 table keeps the id of each row it updates; replacing partitions is refused', async () => {
    const before = await v3Lineage();
    await transformOnMain({
      sql: `SELECT 1::BIGINT AS id, 'moved' AS v UNION ALL SELECT 20, 'new'`,
      target: 'spk.dv',
      materialized: 'incremental',
      mergeKeys: ['id'],
    });
    const md = (await mainCatalog().loadTable(v3Table))!.metadata;
    const seq = md.snapshots.find((x) => x['snapshot-id'] === md['current-snapshot-id'])!['sequence-number'];
    const after = await v3Lineage();
    const was = new Map(before.map((r) => [Number(r.id), r]));
    for (const r of after) {
      if (Number(r.id) === 20) {
        assert.ok(!before.some((b) => b._row_id === r._row_id), 'a new row gets an id no row had');
        assert.equal(Number(r.seq), seq);
      } else if (Number(r.id) === 1) {
        assert.deepEqual([r.v, r._row_id, Number(r.seq)], ['moved', was.get(1)!._row_id, seq]);
      } else assert.deepEqual(r, was.get(Number(r.id)), `row ${r.id} is as it was`);
    }
    assert.equal(after.length, 12);
    const sql = await DuckDbRunner.open();
    try {
      await assert.rejects(
        writeTable(sql, mainCatalog(), v3Table, "SELECT 2::BIGINT AS id, 'x' AS v", {
          mode: 'overwrite-partitions',
        }),
        (err: { code?: string; message: string }) =>
          err.code === 'UNSUPPORTED_TABLE_FORMAT' && /format version 3 table/.test(err.message),
      );
    } finally {
      await sql.close();
    }
  });
});
