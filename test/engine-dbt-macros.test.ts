/**
 * dbt's Jinja beyond `is_incremental()`, as dbt projects are written, run by the real CLI against a real server:
 * the project's `macros/` folder, `set` and `for` loops over a variable's list, refs a loop builds (ordered by the
 * plan), a ref only a run's variable names (refused, with dbt's `depends_on` remedy), and errors with their file
 * and line — a model's or a macro file's.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';

const MACROS = [
  '{# bucket tests, as a team keeps them beside its models #}',
  '{% macro in_bucket(column, bucket) -%}',
  "  {%- if bucket == 'small' -%} ({{ column }} < 2) {%- else -%} ({{ column }} >= 2) {%- endif -%}",
  '{%- endmacro %}',
  '',
  '{% macro bucket_columns(column, buckets) -%}',
  '  {%- for b in buckets %}',
  '  {{ in_bucket(column, b) }} AS is_{{ b }}{{ "," if not loop.last }}',
  '  {%- endfor %}',
  '{%- endmacro %}',
  '',
].join('\n');

const BUCKETS = [
  "{% set buckets = var('buckets', ['small', 'large']) %}",
  'SELECT id,',
  "{{ bucket_columns('amount', buckets) }}",
  "FROM {{ ref('bronze.events') }}",
  '',
].join('\n');

// The table a loop names: the plan must order it after silver.buckets, which no plain ref() says.
const COUNTS = [
  "{%- set inputs = ['silver.buckets'] %}",
  '{%- for t in inputs %}',
  "SELECT '{{ t }}' AS input, count(*) AS n, sum(is_small::INT) AS small FROM {{ ref(t) }}",
  '{%- if not loop.last %} UNION ALL {% endif %}',
  '{%- endfor %}',
  '',
].join('\n');

describe("engine: dbt's macros, loops and variables in models (real CLI, real server)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,2.5,2024-01-02 10:00:00\n3,0.5,2024-01-03 10:00:00\n');

  /** `rat test` on the jinja branch, its exit code checked: each data test's name, outcome, failing rows, severity. */
  const dataTests = async (code: number) => {
    const r = await p.rat('test', '--branch', 'jinja', '--json');
    assert.equal(r.code, code, r.out);
    type Outcome = { test: string; passed: boolean; failingRows: number; severity?: string };
    return (JSON.parse(r.stdout) as { tests: Outcome[] }).tests
      .filter((t) => !t.test.startsWith('unit:'))
      .map((t) => [t.test, t.passed, t.failingRows, t.severity ?? 'error']);
  };

  before(() => {
    p.write('macros/buckets.sql', MACROS);
    p.write('silver/buckets.sql', BUCKETS);
    p.write('gold/counts.sql', COUNTS);
  });

  it("runs models that call the project's macros and loop over a variable's list, in the order their refs say", async () => {
    const r = await p.rat('run', '--branch', 'jinja');
    assert.equal(r.code, 0, r.out);
    const rows = await queryBranch(p.server, 'jinja', 'SELECT * FROM silver.buckets ORDER BY id');
    assert.deepEqual(
      rows.map((x) => [Number(x.id), x.is_small, x.is_large]),
      [
        [1, true, false],
        [2, false, true],
        [3, true, false],
      ],
    );
    const [counts] = await queryBranch(p.server, 'jinja', 'SELECT * FROM gold.counts');
    assert.deepEqual([counts!.input, Number(counts!.n), Number(counts!.small)], ['silver.buckets', 3, 2]);
    // A run's variable changes the loop: one bucket column.
    const one = await p.rat(
      'run',
      'silver.buckets',
      '--branch',
      'jinja',
      '--vars',
      '{buckets: [large]}',
      '--full-refresh',
    );
    assert.equal(one.code, 0, one.out);
    const [row] = await queryBranch(p.server, 'jinja', 'SELECT * FROM silver.buckets WHERE id = 2');
    assert.deepEqual(Object.keys(row!).sort(), ['id', 'is_large']);
    // gold.counts reads is_small, which is gone: DuckDB's error is shown at its place in the file, past the loop.
    const stale = await p.rat('run', 'gold.counts', '--branch', 'jinja', '--vars', '{buckets: [large]}');
    assert.equal(stale.code, 1, stale.out);
    assert.match(stale.out, /gold\/counts\.sql:3:47: Binder Error: .*"is_small"/);
  });

  it('refuses a ref only a variable names, with the depends_on remedy, and runs it once the model names it', async () => {
    p.write('gold/picked.sql', "SELECT count(*) AS n FROM {{ ref(var('input')) }}\n");
    const refused = await p.rat(
      'run',
      'gold.picked',
      '--branch',
      'picked',
      '--vars',
      '{input: silver.buckets}',
      '--json',
    );
    assert.equal(refused.code, 1, refused.out);
    const { error } = JSON.parse(refused.stdout);
    assert.equal(error.code, 'PIPELINE_INVALID', refused.out);
    assert.equal(error.data.line, 1);
    assert.match(
      error.message,
      /names silver\.buckets, which the plan did not see the model read.*-- depends_on: \{\{ ref\('silver\.buckets'\) \}\}/,
    );
    p.write(
      'gold/picked.sql',
      "-- depends_on: {{ ref('silver.buckets') }}\nSELECT count(*) AS n FROM {{ ref(var('input')) }}\n",
    );
    const ran = await p.rat('run', '+gold.picked', '--branch', 'picked', '--vars', '{input: silver.buckets}');
    assert.equal(ran.code, 0, ran.out);
    const [picked] = await queryBranch(p.server, 'picked', 'SELECT n FROM gold.picked');
    assert.equal(Number(picked!.n), 3);
    rmSync(path.join(p.dir, 'gold/picked.sql'));
  });

  it('says where a template fails: a macro file at its line, a model at its line, before anything runs', async () => {
    const invalid = async (file: string, line: number, message: RegExp) => {
      const r = await p.rat('run', '--branch', 'bad', '--json');
      assert.equal(r.code, 1, r.out);
      const { error } = JSON.parse(r.stdout);
      assert.equal(error.code, 'PIPELINE_INVALID', r.out);
      assert.equal(error.data.file, file);
      assert.equal(error.data.line, line);
      assert.match(error.message, message);
    };
    p.write('macros/broken.sql', '{% macro fine() %}1{% endmacro %}\n\n{% macro broken( %}\n');
    await invalid('macros/broken.sql', 3, /^macros\/broken\.sql:3: /);
    rmSync(path.join(p.dir, 'macros/broken.sql'));
    p.write('macros/more/again.sql', '\n{% macro in_bucket(c) %}{% endmacro %}\n');
    await invalid('macros/more/again.sql', 2, /macro in_bucket is also defined in macros\/buckets\.sql/);
    rmSync(path.join(p.dir, 'macros/more'), { recursive: true });
    p.write('gold/other.sql', 'SELECT 1 AS x\n{{ dbt_utils.haversine_distance(x) }}\n');
    await invalid(path.join('gold', 'other.sql'), 2, /dbt_utils\.haversine_distance\(\) is not provided/);
    const branches = (await (await fetch(`${p.server.url}/api/v2/trees`)).json()) as { references: { name: string }[] };
    assert.equal(
      branches.references.some((b) => b.name === 'bad'),
      false,
      'nothing ran for an invalid project',
    );
    rmSync(path.join(p.dir, 'gold/other.sql'));
  });

  it("runs the project's own generic tests ({% test %} blocks) listed in property files, with arguments and where", async () => {
    p.write(
      'macros/tests.sql',
      [
        '{% test positive(model, column_name) %}',
        'SELECT * FROM {{ model }} WHERE {{ column_name }} <= 0',
        '{% endtest %}',
        '{% test covered_by(model, column_name, to, field) %}',
        'SELECT * FROM {{ model }} AS m WHERE NOT EXISTS (SELECT 1 FROM {{ to }} AS t WHERE t.{{ field }} = m.{{ column_name }})',
        '{% endtest %}',
        '{% test at_most(model, n) %}',
        'SELECT count(*) AS rows FROM {{ model }} HAVING count(*) > {{ n }}',
        '{% endtest %}',
        '',
      ].join('\n'),
    );
    p.write(
      'silver/schema.yml',
      [
        'version: 2',
        'models:',
        '  - name: buckets',
        '    data_tests:',
        '      - at_most: { arguments: { n: 2 }, config: { where: "id > 1" } }',
        '      - at_most: { n: 2, config: { severity: warn } }',
        '    columns:',
        '      - name: id',
        '        data_tests:',
        '          - positive',
        "          - covered_by: { to: ref('bronze.events'), field: id }",
        '',
      ].join('\n'),
    );
    const tests = await dataTests(0);
    assert.deepEqual(tests, [
      ['at_most', true, 0, 'error'],
      ['at_most', false, 1, 'warn'],
      ['positive(id)', true, 0, 'error'],
      ['covered_by(id)', true, 0, 'error'],
    ]);
    p.write('silver/schema.yml', 'version: 2\nmodels:\n  - name: buckets\n    data_tests:\n      - at_least_one\n');
    const unknown = await p.rat('test', '--branch', 'jinja', '--json');
    assert.equal(unknown.code, 1, unknown.out);
    assert.match(
      JSON.parse(unknown.stdout).error.message,
      /silver\/schema\.yml:3: model buckets: unknown test at_least_one .*dbt_utils\.accepted_range.*, or the project's: positive, covered_by, at_most; a test of your own is a \{% test at_least_one\(model, column_name\) %\} block in macros\//,
    );
    rmSync(path.join(p.dir, 'silver/schema.yml'));
  });

  it("runs dbt_utils' generic tests listed in property files, built in", async () => {
    p.write(
      'silver/schema.yml',
      [
        'version: 2',
        'models:',
        '  - name: buckets',
        '    data_tests:',
        '      - dbt_utils.unique_combination_of_columns: { combination_of_columns: [id, is_large] }',
        '      - dbt_utils.expression_is_true: { expression: "id > 1", config: { severity: warn } }',
        "      - dbt_utils.equal_rowcount: { compare_model: ref('bronze.events') }",
        '    columns:',
        '      - name: id',
        '        data_tests:',
        '          - dbt_utils.accepted_range: { min_value: 1, max_value: 2 }',
        '          - dbt_utils.not_constant',
        '          - dbt_utils.at_least_one',
        '          - dbt_utils.not_null_proportion: { at_least: 0.9 }',
        "          - dbt_utils.relationships_where: { to: ref('bronze.events'), field: id, from_condition: 'id > 0' }",
        '          - dbt_utils.not_accepted_values: { values: [7, 8] }',
        '',
      ].join('\n'),
    );
    assert.deepEqual(await dataTests(1), [
      ['dbt_utils.unique_combination_of_columns', true, 0, 'error'],
      ['dbt_utils.expression_is_true', false, 1, 'warn'],
      ['dbt_utils.equal_rowcount', true, 0, 'error'],
      ['dbt_utils.accepted_range(id)', false, 1, 'error'],
      ['dbt_utils.not_constant(id)', true, 0, 'error'],
      ['dbt_utils.at_least_one(id)', true, 0, 'error'],
      ['dbt_utils.not_null_proportion(id)', true, 0, 'error'],
      ['dbt_utils.relationships_where(id)', true, 0, 'error'],
      ['dbt_utils.not_accepted_values(id)', true, 0, 'error'],
    ]);
    rmSync(path.join(p.dir, 'silver/schema.yml'));
  });

  it("renders dbt's target.name as the branch the run merges into", async () => {
    p.write(
      'gold/where_built.sql',
      "{{ log('building for ' ~ target.name, info=True) }}SELECT '{{ target.name }}' AS branch, '{{ this.schema }}.{{ this.name }}' AS me, '{% raw %}{{ kept }}{% endraw %}' AS raw, '{{ modules.datetime.date(2024, 1, 31) + modules.datetime.timedelta(days=1) }}' AS next_day\n",
    );
    const r = await p.rat('run', 'gold.where_built', '--branch', 'target-b');
    assert.equal(r.code, 0, r.out);
    // log() messages are shown under their step; a raw block is output as written.
    assert.match(r.stdout, /✓ gold\.where_built .*\n\s+log: building for target-b\n/);
    const json = await p.rat('run', 'gold.where_built', '--branch', 'target-b', '--json');
    assert.deepEqual(JSON.parse(json.stdout).steps[0].logs, ['building for target-b']);
    const [row] = await queryBranch(p.server, 'target-b', 'SELECT * FROM gold.where_built');
    assert.deepEqual(
      [row!.branch, row!.me, row!.raw, row!.next_day],
      ['target-b', 'gold.where_built', '{{ kept }}', '2024-02-01'],
    );
    rmSync(path.join(p.dir, 'gold/where_built.sql'));
  });

  it("gives dbt_utils' generate_surrogate_key and star, and adapter's columns, from the tables the run reads", async () => {
    p.write(
      'macros/columns.sql',
      "{% macro column_list(rel) %}{% for c in adapter.get_columns_in_relation(rel) %}{{ c.name }}{{ ',' if not loop.last }}{% endfor %}{% endmacro %}\n",
    );
    p.write(
      'silver/keyed.sql',
      [
        "SELECT {{ dbt_utils.generate_surrogate_key(['id', 'amount']) }} AS order_key,",
        "  {{ dbt_utils.star(ref('bronze.events'), except=['TS']) }},",
        "  '{{ column_list(ref('bronze.events')) }}' AS read_columns",
        "FROM {{ ref('bronze.events') }}",
        '',
      ].join('\n'),
    );
    const r = await p.rat('run', '+silver.keyed', '--branch', 'utils');
    assert.equal(r.code, 0, r.out);
    const rows = await queryBranch(
      p.server,
      'utils',
      "SELECT id, order_key = md5(cast(id AS VARCHAR) || '-' || cast(amount AS VARCHAR)) AS dbt_key, read_columns FROM silver.keyed ORDER BY id",
    );
    assert.deepEqual(
      rows.map((x) => [Number(x.id), x.dbt_key]),
      [
        [1, true],
        [2, true],
        [3, true],
      ],
    );
    assert.match(String(rows[0]!.read_columns), /^id,amount,ts\b/);
    const described = await queryBranch(p.server, 'utils', 'DESCRIBE silver.keyed');
    assert.deepEqual(
      described.map((c) => c.column_name),
      // bronze's columns but ts, in their order (the ingest's own columns included).
      ['order_key', 'id', 'amount', '_source_file', '_ingested_at', '_run_id', 'read_columns'],
    );
    rmSync(path.join(p.dir, 'silver/keyed.sql'));
    rmSync(path.join(p.dir, 'macros/columns.sql'));
  });

  it("runs run_query() and dbt_utils.get_column_values() against the run's tables: a pivot by the values found", async () => {
    p.write(
      'gold/pivot.sql',
      [
        "{% set ids = dbt_utils.get_column_values(ref('bronze.events'), 'id', order_by='id') %}",
        "{% set r = run_query('select sum(amount) as total from ' ~ ref('bronze.events')) %}",
        'SELECT',
        '{%- for i in ids %}',
        '  sum(CASE WHEN id = {{ i }} THEN amount END) AS amount_{{ i }},',
        '{%- endfor %}',
        '  {{ r.columns[0].values()[0] if execute else 0 }} AS total',
        "FROM {{ ref('bronze.events') }}",
        '',
      ].join('\n'),
    );
    const r = await p.rat('run', '+gold.pivot', '--branch', 'pivot');
    assert.equal(r.code, 0, r.out);
    const [row] = await queryBranch(p.server, 'pivot', 'SELECT * FROM gold.pivot');
    assert.deepEqual(
      Object.entries(row!).map(([k, v]) => [k, Number(v)]),
      [
        ['amount_1', 1.5],
        ['amount_2', 2.5],
        ['amount_3', 0.5],
        ['total', 4.5],
      ],
    );
    // rat compile renders it as the run did, over the branch's tables.
    const compiled = await p.rat('compile', 'gold.pivot', '--branch', 'pivot');
    assert.equal(compiled.code, 0, compiled.out);
    assert.match(compiled.stdout, /AS amount_1,\n.*AS amount_2,\n.*AS amount_3,\n\s+4\.5 AS total/);
    rmSync(path.join(p.dir, 'gold/pivot.sql'));
  });

  it('rat compile prints the SQL a run would execute: macros and loops rendered, is_incremental() as on the branch', async () => {
    const loop = await p.rat('compile', 'silver.buckets', '--branch', 'jinja', '--vars', '{buckets: [small]}');
    assert.equal(loop.code, 0, loop.out);
    assert.match(loop.stdout, /^-- silver\.buckets \(silver\/buckets\.sql\) on jinja\n/);
    assert.match(loop.stdout, /\(amount < 2\) AS is_small\nFROM "bronze"\."events"/);
    assert.doesNotMatch(loop.stdout, /is_large|\{\{|\{%/);
    p.write(
      'silver/recent.sql',
      "{{ config(materialized='incremental') }}\nSELECT * FROM {{ ref('bronze.events') }}\n{% if is_incremental() %}WHERE ts > (SELECT max(ts) FROM {{ this }}){% endif %}\n",
    );
    const compiled = async () => {
      const r = await p.rat('compile', 'silver.recent', '--branch', 'jinja', '--json');
      assert.equal(r.code, 0, r.out);
      return (JSON.parse(r.stdout) as { models: { model: string; incremental: boolean; sql: string }[] }).models[0]!;
    };
    const before = await compiled();
    assert.deepEqual([before.model, before.incremental, /WHERE/.test(before.sql)], ['silver.recent', false, false]);
    assert.equal((await p.rat('run', 'silver.recent', '--branch', 'jinja')).code, 0);
    const after = await compiled();
    assert.equal(after.incremental, true);
    assert.match(after.sql, /WHERE ts > \(SELECT max\(ts\) FROM "silver"\."recent"\)/);
    const refreshed = await p.rat('compile', 'silver.recent', '--branch', 'jinja', '--full-refresh');
    assert.doesNotMatch(refreshed.stdout, /WHERE/);
    rmSync(path.join(p.dir, 'silver/recent.sql'));
  });

  it("runs dbt's singular tests (tests/*.sql) with the model they read last, before the merge", async () => {
    p.write(
      'tests/counts_match.sql',
      "SELECT * FROM {{ ref('counts') }} AS c WHERE c.n <> (SELECT count(*) FROM {{ ref('buckets') }})\n",
    );
    p.write('tests/checks/no_big_ids.sql', "SELECT * FROM {{ ref('silver.buckets') }} WHERE id > 2\n");
    const r = await p.rat('test', '--branch', 'jinja', '--json');
    assert.equal(r.code, 1, r.out);
    const tests = (
      JSON.parse(r.stdout) as { tests: { model: string; test: string; passed: boolean; failingRows: number }[] }
    ).tests
      .filter((t) => t.test.startsWith('sql:'))
      .map((t) => [t.model, t.test, t.passed, t.failingRows]);
    assert.deepEqual(tests, [
      ['silver.buckets', 'sql:no_big_ids', false, 1],
      ['gold.counts', 'sql:counts_match', true, 0],
    ]);
    // A failing singular test stops the run's merge like any data test.
    const run = await p.rat('run', '--branch', 'jinja');
    assert.equal(run.code, 1, run.out);
    assert.match(run.out, /sql:no_big_ids/);
    p.write('tests/orphan.sql', 'SELECT 1 AS x WHERE false\n');
    const orphan = await p.rat('test', '--branch', 'jinja', '--json');
    assert.match(
      JSON.parse(orphan.stdout).error.message,
      /^tests\/orphan\.sql:1: a singular test reads at least one model/,
    );
    rmSync(path.join(p.dir, 'tests'), { recursive: true });
  });
});
