import assert from 'node:assert/strict';
import { compileWithSourceMap } from './compile.ts';
import { callArgs } from './jinja-adapter.ts';
import { QueryCache, QueryResult } from './jinja-queries.ts';
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
    // A Column says what its type holds, as dbt's do (packages choose by it).
    const kinds =
      "{% for c in adapter.get_columns_in_relation(ref('bronze.orders')) %}{{ c.name }}:{{ c.is_number() }}/{{ c.is_integer() }}/{{ c.is_string() }} {% endfor %}";
    assert.equal(compile(kinds), 'id:true/true/false Amount:true/false/false _loaded_at:false/false/false ');
    assert.equal(compile("{{ adapter.quote('a\"b') }}"), '"a""b"');
    // A relation reads as dbt's, a mapping whose metadata names its type.
    assert.equal(
      compile(
        "{% set r = ref('bronze.orders') %}{{ r is mapping }} {{ r.get('metadata', {}).get('type') }} {{ r.get('nope', 'x') }}",
      ),
      'true DuckDBRelation x',
    );
    assert.throws(
      () => compile("{{ dbt_utils.star('orders') }}"),
      /star\(\) takes a relation \(ref\(\), source\(\) or this\), not orders/,
    );
    assert.throws(
      () => compile('{{ dbt_utils.haversine_distance(1, 2, 3, 4) }}'),
      /dbt_utils\.haversine_distance\(\) is not provided: of dbt_utils, rat gives generate_surrogate_key\(\), star\(\), get_column_values\(\), group_by\(\)/,
    );
  });
});

describe("engine: dbt's run_query() and execute in templates", () => {
  const sql = [
    "{% set r = run_query('select max(id) as top from ' ~ ref('bronze.orders')) %}",
    "{% set top = r.columns[0].values()[0] if execute and r.rows | length else 'none' %}",
    'SELECT {{ top }} AS top, {{ execute }} AS executed,',
    "{% for v in dbt_utils.get_column_values(ref('bronze.orders'), 'region', max_records=2) %} '{{ v }}'{{ ',' if not loop.last }}{% endfor %}",
  ].join('\n');

  it('answers the queries a run has run, notes the others, and is not executing while the project loads', () => {
    const queries = new QueryCache();
    const first = compileWithSourceMap(sql, 'silver.t', { queries }).sql;
    assert.equal(first, '\n\nSELECT none AS top, true AS executed,\n');
    assert.deepEqual(
      [...queries.pending],
      [
        'select max(id) as top from "bronze"."orders"',
        'select region as value from "bronze"."orders" group by region order by count(*) desc limit 2',
      ],
    );
    const [top, regions] = [...queries.pending];
    queries.results.set(top!, new QueryResult(['top'], [{ top: 42 }]));
    queries.results.set(regions!, new QueryResult(['value'], [{ value: 'eu' }, { value: 'us' }]));
    queries.pending.clear();
    assert.equal(
      compileWithSourceMap(sql, 'silver.t', { queries }).sql,
      "\n\nSELECT 42 AS top, true AS executed,\n 'eu', 'us'",
    );
    assert.equal(queries.pending.size, 0);
    assert.equal(compileWithSourceMap(sql, 'silver.t').sql, '\n\nSELECT none AS top, false AS executed,\n');
  });

  it("runs dbt's statement blocks for load_result(), and queries captured from the template's text", () => {
    const queries = new QueryCache();
    const sql = [
      "{% call statement('regions', fetch_result=True) %}",
      "  select distinct region from {{ ref('bronze.orders') }}",
      '{% endcall %}',
      '{% set s %}select 1 as one{% endset %}{% set one = run_query(s) %}',
      "{% set rows = load_result('regions')['data'] %}",
      "SELECT {% for r in rows %}'{{ r[0] }}'{{ ',' if not loop.last }}{% endfor %}",
    ].join('');
    assert.equal(compileWithSourceMap(sql, 't', { queries }).sql, 'SELECT ');
    const [regions, one] = [...queries.pending];
    assert.deepEqual([regions, one], ['select distinct region from "bronze"."orders"', 'select 1 as one']);
    queries.results.set(regions!, new QueryResult(['region'], [{ region: 'eu' }, { region: 'us' }]));
    queries.pending.clear();
    assert.equal(compileWithSourceMap(sql, 't', { queries }).sql, "SELECT 'eu','us'");
    assert.equal(compileWithSourceMap("{{ load_result('none') }}", 't').sql, 'NULL');
  });

  it("reads a result as dbt's agate table: rows by position and name, columns by name, its length", () => {
    const r = new QueryResult(
      ['a', 'b'],
      [
        { a: 1, b: 'x' },
        { a: 2, b: null },
      ],
    );
    assert.deepEqual([r.rows[1]![0], r.rows[0]!['b'], r.columns['b']!.values(), r.length], [2, 'x', ['x', null], 2]);
    assert.equal(
      compileWithSourceMap(
        "{% for row in r.rows %}{{ row['a'] }}{{ row[1] }};{% endfor %}{{ r.column_names | join(',') }}",
        't',
        {
          names: { r },
        },
      ).sql,
      '1x;2NULL;a,b',
    );
    // Its columns are a mapping too (agate's), as dbt_utils' get_query_results_as_dict reads them.
    assert.equal(
      compileWithSourceMap(
        "{% for name, c in r.columns.items() %}{{ name }}={{ c.values() | join('|') }};{% endfor %}{{ r.columns.keys() | join(',') }}",
        't',
        { names: { r } },
      ).sql,
      'a=1|2;b=x|;a,b',
    );
  });
});
