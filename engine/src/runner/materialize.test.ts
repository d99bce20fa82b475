import assert from 'node:assert/strict';
import type { IcebergRestClient } from '@ratatouille/catalog-client';
import type { DuckDbRunner } from '../sql/duckdb-runner.ts';
import { useEngineFixture } from '../testing/engine-fixture.ts';
import { SchemaMismatchError } from '../errors/engine-error.ts';
import { transform, type TransformOptions } from './materialize.ts';
import { refreshView, sqlName } from './tables.ts';

describe('engine: schema changes by materialization (on_schema_change)', function () {
  this.timeout(60_000);
  const fx = useEngineFixture('rat-mat-');
  let sql: DuckDbRunner;
  let client: IcebergRestClient;
  beforeEach(() => ({ sql, client } = fx));

  const v1 = `SELECT i::BIGINT AS id, 'n' || i AS name, i * 2 AS score FROM range(3) t(i)`;
  const v2 = `SELECT i::BIGINT AS id, 'n' || i AS name, 'x' || i AS extra FROM range(4) t(i)`;
  const columns = async (target: string) =>
    (await refreshView(sql, client, target))!.schema.fields.map((f) => [f.id, f.name, f.type]);
  const rows = async (target: string, q = '*') =>
    sql.query(`SELECT ${q} FROM ${sqlName(target)} ORDER BY ALL`).then((r) => r.map((x) => Object.values(x)));
  const build = (o: Partial<TransformOptions> & { sql: string; target: string }) => transform(sql, client, o);

  it('table: a changed SELECT replaces columns and rows, keeping the field ids of surviving columns', async () => {
    await build({ sql: v1, target: 'gold.t', materialized: 'table' });
    await build({ sql: v2, target: 'gold.t', materialized: 'table' });
    assert.deepEqual(await columns('gold.t'), [
      [1, 'id', 'long'],
      [2, 'name', 'string'],
      [4, 'extra', 'string'],
    ]);
    assert.equal((await rows('gold.t')).length, 4);
    // A type that cannot be promoted becomes a new column.
    await build({ sql: `SELECT 'a' AS id`, target: 'gold.t', materialized: 'table' });
    assert.deepEqual(await columns('gold.t'), [[5, 'id', 'string']]);
  });

  for (const materialized of ['incremental', 'scd2'] as const) {
    const keys = { mergeKeys: ['id'], materialized };
    it(`${materialized}: a new column fails by default with SCHEMA_MISMATCH`, async () => {
      await build({ sql: v1, target: 'silver.t', ...keys });
      await assert.rejects(
        build({ sql: v2, target: 'silver.t', ...keys }),
        (e: unknown) => e instanceof SchemaMismatchError && e.code === 'SCHEMA_MISMATCH' && e.data.column === 'extra',
      );
    });

    it(`${materialized}: append_new_columns adds the column and keeps the ones the result lost`, async () => {
      await build({ sql: v1, target: 'silver.t', ...keys });
      await build({ sql: v2, target: 'silver.t', ...keys, onSchemaChange: 'append_new_columns' });
      const names = (await columns('silver.t')).map((c) => c[1]);
      assert.ok(names.includes('extra') && names.includes('score'), names.join());
      const current = materialized === 'scd2' ? ' WHERE is_current' : '';
      const r = await sql.query(`SELECT id, extra FROM ${sqlName('silver.t')}${current} ORDER BY id`);
      assert.deepEqual(
        r.map((x) => x.id),
        ['0', '1', '2', '3'],
      );
      assert.equal(r[3].extra, 'x3');
    });

    it(`${materialized}: sync_all_columns also drops the columns the result no longer has`, async () => {
      await build({ sql: v1, target: 'silver.t', ...keys });
      await build({ sql: v2, target: 'silver.t', ...keys, onSchemaChange: 'sync_all_columns' });
      const names = (await columns('silver.t')).map((c) => c[1]);
      assert.ok(names.includes('extra') && !names.includes('score'), names.join());
      const current = materialized === 'scd2' ? ' WHERE is_current' : '';
      const r = await sql.query(`SELECT count(*) AS n FROM ${sqlName('silver.t')}${current}`);
      assert.equal(Number(r[0].n), 4);
    });

    it(`${materialized}: sync_all_columns renames a column the SELECT shows as \`old AS new\` by field id, keeping its data`, async () => {
      await build({ sql: v1, target: 'silver.t', ...keys });
      const before = await columns('silver.t');
      const v3 = `SELECT id, name AS label, score FROM (${v1})`;
      await build({ sql: v3, target: 'silver.t', ...keys, onSchemaChange: 'sync_all_columns' });
      const after = await columns('silver.t');
      assert.deepEqual(
        after.find((c) => c[1] === 'label'),
        before.find((c) => c[1] === 'name')!.with(1, 'label'),
      );
      assert.ok(!after.some((c) => c[1] === 'name'));
      const current = materialized === 'scd2' ? ' WHERE is_current' : '';
      const r = await sql.query(`SELECT id, label FROM ${sqlName('silver.t')}${current} ORDER BY id`);
      assert.deepEqual(
        r.map((x) => x.label),
        ['n0', 'n1', 'n2'],
      );
      // An explicit rename of a computed column; a second run with the same config changes nothing.
      const v4 = `SELECT id, upper(label) AS title, score FROM (${v3})`;
      const o = { ...keys, onSchemaChange: 'sync_all_columns' as const, renamed: { label: 'title' } };
      await build({ sql: v4, target: 'silver.t', ...o });
      assert.equal(
        (await columns('silver.t')).find((c) => c[1] === 'title')?.[0],
        after.find((c) => c[1] === 'label')?.[0],
      );
      const again = await build({ sql: v4, target: 'silver.t', ...o });
      assert.equal(again, null);
    });
  }
});
