import assert from 'node:assert/strict';
import { compileWithSourceMap } from './compile.ts';
import { callArgs } from './jinja-adapter.ts';
import { TemplateError } from './template.ts';

const columns = new Map([
  [
    'bronze.orders',
    [
      { name: 'id', type: 'BIGINT' },
      { name: 'Amount', type: 'DOUBLE' },
      { name: '_loaded_at', type: 'TIMESTAMP' },
    ],
  ],
]);
const compile = (sql: string, withColumns = true) =>
  compileWithSourceMap(sql, 'silver.t', withColumns ? { columns } : {}).sql;

describe("engine: dbt's adapter and dbt_utils helpers in templates", () => {
  it('takes arguments by position and by keyword', () => {
    assert.deepEqual(callArgs(['a', { b: 1, __keywords: true }], ['x', 'b']), { x: 'a', b: 1 });
    assert.deepEqual(callArgs(['a', 'extra'], ['x']), { x: 'a' });
  });

  it('generate_surrogate_key: an md5 of the fields as text with dbt_utils spelling of nulls', () => {
    assert.equal(
      compile("{{ dbt_utils.generate_surrogate_key(['id', 'amount']) }}"),
      "md5(cast(coalesce(cast(id as varchar), '_dbt_utils_surrogate_key_null_') || '-' || coalesce(cast(amount as varchar), '_dbt_utils_surrogate_key_null_') as varchar))",
    );
    assert.throws(
      () => compile('SELECT\n{{ dbt_utils.generate_surrogate_key() }}'),
      (e: unknown) => e instanceof TemplateError && e.data.offset === 7 && /takes a list of columns/.test(e.message),
    );
  });

  it("star: the table's columns less except (any case), with alias, prefix and suffix; * while columns are unknown", () => {
    assert.equal(
      compile("SELECT {{ dbt_utils.star(ref('bronze.orders'), except=['_LOADED_AT']) }} FROM x"),
      'SELECT "id",\n  "Amount" FROM x',
    );
    assert.equal(
      compile("{{ dbt_utils.star(from=ref('bronze.orders'), relation_alias='o', suffix='_src', except=['id']) }}"),
      'o."Amount" as "Amount_src",\n  o."_loaded_at" as "_loaded_at_src"',
    );
    assert.equal(compile("{{ dbt_utils.star(ref('bronze.orders')) }}", false), '*');
    assert.throws(
      () => compile("{{ dbt_utils.star(ref('bronze.orders'), except=['id', 'amount', '_loaded_at']) }}"),
      /leaves no column/,
    );
  });

  it('adapter.get_columns_in_relation gives dbt Columns (none while unknown); other helpers say what is provided', () => {
    const sql =
      "{% for c in adapter.get_columns_in_relation(ref('bronze.orders')) %}{{ c.name }}:{{ c.data_type }} {% endfor %}";
    assert.equal(compile(sql), 'id:BIGINT Amount:DOUBLE _loaded_at:TIMESTAMP ');
    assert.equal(compile(sql, false), '');
    assert.equal(compile("{{ adapter.quote('a\"b') }}"), '"a""b"');
    assert.throws(
      () => compile("{{ dbt_utils.star('orders') }}"),
      /star\(\) takes a relation \(ref\(\), source\(\) or this\), not orders/,
    );
    assert.throws(
      () => compile("{{ dbt_utils.date_spine('day', 'a', 'b') }}"),
      /dbt_utils\.date_spine\(\) is not provided: of dbt_utils, rat gives generate_surrogate_key\(\) and star\(\)/,
    );
  });
});
