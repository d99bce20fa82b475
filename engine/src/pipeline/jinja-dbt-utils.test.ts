import assert from 'node:assert/strict';
import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import { compileWithSourceMap } from './compile.ts';

describe("engine: dbt_utils' SQL helpers in models, run in DuckDB", function () {
  this.timeout(30_000);
  let sql: DuckDbRunner;
  const columns = new Map([
    [
      's.pay',
      [
        { name: 'id', type: 'INTEGER' },
        { name: 'method', type: 'VARCHAR' },
        { name: 'amount', type: 'DOUBLE' },
      ],
    ],
    [
      's.old',
      [
        { name: 'id', type: 'INTEGER' },
        { name: 'note', type: 'VARCHAR' },
      ],
    ],
  ]);
  const rows = async (template: string) => sql.query(compileWithSourceMap(template, 's.t', { columns }).sql);

  before(async () => {
    sql = await DuckDbRunner.open();
    await sql.exec('CREATE SCHEMA s');
    await sql.exec(
      "CREATE TABLE s.pay AS SELECT id::INTEGER AS id, method, amount::DOUBLE AS amount FROM (VALUES (1, 'card', 10.0), (1, 'coupon', 2.0), (2, 'card', 5.0), (2, 'card', NULL)) AS v(id, method, amount)",
    );
    await sql.exec("CREATE TABLE s.old AS SELECT * FROM (VALUES (9, 'kept')) AS v(id, note)");
  });
  after(() => sql.close());

  it('date_spine: a row per day from the start to the day before the end', async () => {
    const r = await rows(
      "{{ dbt_utils.date_spine('day', \"cast('2024-02-27' as date)\", \"cast('2024-03-02' as date)\") }}",
    );
    assert.deepEqual(
      r.map((x) => String(x.date_day).slice(0, 10)),
      ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01'],
    );
  });

  it('pivot with group_by and safe_divide: an aggregate per value, named by it', async () => {
    const r = await rows(
      [
        "SELECT id, {{ dbt_utils.pivot('method', ['card', 'coupon'], then_value='amount', suffix='_amount') }},",
        "  {{ dbt_utils.safe_divide('sum(amount)', 'count(amount) - 1') }} AS per_extra,",
        "  {{ dbt_utils.safe_add(['sum(amount)', 'NULL']) }} AS total",
        "FROM {{ ref('s.pay') }} {{ dbt_utils.group_by(1) }} ORDER BY id",
      ].join('\n'),
    );
    assert.deepEqual(
      r.map((x) => [x.id, x.card_amount, x.coupon_amount, x.per_extra, x.total]),
      [
        [1, 10, 2, 12, 12],
        [2, 5, 0, null, 5],
      ],
    );
  });

  it('union_relations matches columns by name and says where each row came from; deduplicate keeps the first', async () => {
    const r = await rows(
      "SELECT * FROM ({{ dbt_utils.union_relations([ref('s.pay'), ref('s.old')], exclude=['amount']) }}) ORDER BY id, method",
    );
    assert.deepEqual(
      r.map((x) => [x._dbt_source_relation, x.id, x.method ?? null, x.note ?? null, 'amount' in x]),
      [
        ['"s"."pay"', 1, 'card', null, false],
        ['"s"."pay"', 1, 'coupon', null, false],
        ['"s"."pay"', 2, 'card', null, false],
        ['"s"."pay"', 2, 'card', null, false],
        ['"s"."old"', 9, null, 'kept', false],
      ],
    );
    const first = await rows(
      "SELECT id, amount FROM ({{ dbt_utils.deduplicate(ref('s.pay'), 'id', 'amount DESC NULLS LAST') }}) ORDER BY id",
    );
    assert.deepEqual(
      first.map((x) => [x.id, x.amount]),
      [
        [1, 10],
        [2, 5],
      ],
    );
  });
});
