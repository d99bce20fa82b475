import assert from 'node:assert/strict';
import { compileWithSourceMap } from './compile.ts';
import { configSettings } from './config-call.ts';
import { MacroFileError, type MacroFile } from './jinja-environment.ts';
import { templatePieces, TemplateError } from './template.ts';

const render = (sql: string, incremental: boolean) => compileWithSourceMap(sql, 'silver.t', { incremental }).sql;

describe("engine: dbt's Jinja in a model (is_incremental blocks, loops, macros, config, comments)", () => {
  it('renders the branch of is_incremental() that holds, nested and negated', () => {
    const sql =
      'SELECT 1{% if is_incremental() %} WHERE ts > (SELECT max(ts) FROM {{ this }}){% else %} -- all{% endif %}';
    assert.equal(render(sql, true), 'SELECT 1 WHERE ts > (SELECT max(ts) FROM "silver"."t")');
    assert.equal(render(sql, false), 'SELECT 1 -- all');
    const nested = 'a{% if not is_incremental() %}b{% if is_incremental() %}c{% else %}d{% endif %}{% endif %}e';
    assert.equal(render(nested, false), 'abde');
    assert.equal(render(nested, true), 'ae');
    assert.equal(render('x = {{ is_incremental() }}', true), 'x = true');
  });

  it("keeps Jinja's whitespace control and drops comments and config()", () => {
    const sql =
      "{{ config(materialized='incremental') }}SELECT 1\n  {%- if is_incremental() -%}\n  WHERE x\n{%- endif %}\n{# a note #}";
    assert.equal(render(sql, true), 'SELECT 1WHERE x\n');
    assert.equal(render(sql, false), 'SELECT 1\n');
  });

  it('outputs a raw block as written, its whitespace control kept, and maps positions past it', () => {
    const written =
      "SELECT '{% raw %}{{ not_jinja }}{% endraw %}' AS a,\n  {%- raw -%}\n {% if %}  {%- endraw %} AS b, bad";
    const c = compileWithSourceMap(written, 't');
    assert.equal(c.sql, "SELECT '{{ not_jinja }}' AS a,{% if %} AS b, bad");
    assert.equal(c.sourceOffset(c.sql.indexOf('bad')), written.indexOf('bad'));
    assert.equal(c.sourceOffset(c.sql.indexOf('not_jinja')), written.indexOf('not_jinja'));
    const lines = compileWithSourceMap('{% raw %}\n{{ a }}\n{% endraw %}\nSELECT {{ 1 + 1 }}', 't');
    assert.equal(lines.sql, '\n{{ a }}\n\nSELECT 2');
  });

  it("keeps what dbt's log() is given, in order, from the model and its macros, and outputs nothing for it", () => {
    const macros = [
      { file: 'macros/m.sql', text: "{% macro m() %}{{ log('in m: ' ~ this, info=True) }}1{% endmacro %}" },
    ];
    const c = compileWithSourceMap("{{ log('start') }}SELECT {{ m() }}{% do log(['a', 1]) %}", 'silver.t', { macros });
    assert.equal(c.sql, 'SELECT 1');
    assert.deepEqual(c.logs, ['start', 'in m: "silver"."t"', '["a",1]']);
  });

  it('maps positions in the rendered SQL back to the SQL as written', () => {
    const written = 'SELECT a\n{% if is_incremental() %}\nFROM {{ this }} WHERE bad\n{% endif %}';
    const c = compileWithSourceMap(written, 'gold.t', { incremental: true });
    assert.equal(c.sourceOffset(c.sql.indexOf('bad')), written.indexOf('bad'));
    assert.equal(c.sourceOffset(c.sql.indexOf('"gold"') + 3), written.indexOf('{{ this }}'));
    assert.equal(c.readsSelf, true);
    assert.equal(compileWithSourceMap(written, 'gold.t').readsSelf, false);
  });

  it('runs Jinja as dbt models use it: set, for with loop.last, conditions on vars, filters, Python spellings', () => {
    const sql = [
      "{% set methods = ['credit_card', 'coupon'] %}",
      'SELECT order_id,',
      '{% for m in methods -%}',
      "  sum(CASE WHEN method = '{{ m }}' THEN amount END) AS {{ m | upper }}_amount{{ ',' if not loop.last }}",
      '{% endfor -%}',
      "FROM {{ ref('bronze.payments') }}{% if var('limit', None) is not none %} LIMIT {{ var('limit') }}{% endif %}",
    ].join('\n');
    const c = compileWithSourceMap(sql, 'silver.t', { vars: { limit: 5 } });
    assert.equal(
      c.sql,
      '\nSELECT order_id,\nsum(CASE WHEN method = \'credit_card\' THEN amount END) AS CREDIT_CARD_amount,\nsum(CASE WHEN method = \'coupon\' THEN amount END) AS COUPON_amount\nFROM "bronze"."payments" LIMIT 5',
    );
    assert.equal(compileWithSourceMap(sql, 'silver.t').sql.endsWith('"payments"'), true);
    // Each copy of a loop's text maps back to the one written line.
    const second = c.sql.indexOf('sum(', c.sql.indexOf('sum(') + 1);
    assert.equal(c.sourceOffset(second), sql.indexOf('sum('));
    assert.equal(c.sourceOffset(c.sql.indexOf('FROM')), sql.indexOf('FROM'));
    assert.equal(
      render(
        "{% set d = {'a': 1} %}{% for k, v in d.items() %}{{ k }}={{ v }}{% endfor %} {{ True }} {{ None }}",
        false,
      ),
      'a=1 true NULL',
    );
  });

  it("calls the project's macros, which see ref(), var() and this, and other macros", () => {
    const macros = [
      {
        file: 'macros/money.sql',
        text: '{% macro cents_to_dollars(col, scale=2) -%}\n  round({{ col }} / 100, {{ scale }}){%- endmacro %}\n{% macro latest() %}(SELECT max(ts) FROM {{ this }}){% endmacro %}',
      },
      { file: 'macros/nested/total.sql', text: '{% macro total(c) %}sum({{ cents_to_dollars(c) }}){% endmacro %}' },
    ];
    const c = compileWithSourceMap(
      "SELECT {{ total('amount') }} AS t FROM x WHERE ts > {{ latest() }} AND bad",
      'gold.t',
      { macros },
    );
    assert.equal(
      c.sql,
      'SELECT sum(round(amount / 100, 2)) AS t FROM x WHERE ts > (SELECT max(ts) FROM "gold"."t") AND bad',
    );
    assert.equal(c.readsSelf, true);
    assert.equal(
      c.sourceOffset(c.sql.indexOf('bad')),
      "SELECT {{ total('amount') }} AS t FROM x WHERE ts > {{ latest() }} AND bad".indexOf('bad'),
    );
  });

  it("gives dbt's target (the run's branch), env_var() and {% do %}", () => {
    process.env.RAT_TEST_REGION = 'eu';
    try {
      const sql =
        "{% set cols = [] %}{% do cols.append('a') %}{{ cols | join(',') }} {{ target.name }} {{ target.type }} {{ target.schema }} {{ env_var('RAT_TEST_REGION') }} {{ env_var('RAT_TEST_NONE', 'x') }}{% if target.name == 'main' %} LIMIT 1{% endif %}";
      assert.equal(compileWithSourceMap(sql, 'gold.t', { target: 'main' }).sql, 'a main duckdb gold eu x LIMIT 1');
      assert.equal(compileWithSourceMap(sql, 'gold.t').sql, 'a  duckdb gold eu x');
      assert.throws(
        () => compileWithSourceMap("SELECT 1\nWHERE '{{ env_var('RAT_TEST_NONE') }}'", 't'),
        (err: unknown) =>
          err instanceof TemplateError &&
          err.data.offset === 9 &&
          /env_var\('RAT_TEST_NONE'\) is not set/.test(err.message),
      );
    } finally {
      delete process.env.RAT_TEST_REGION;
    }
  });

  it("gives a macro's return(x) to its caller as a value (dbt's)", () => {
    const macros = [
      {
        file: 'macros/m.sql',
        text: "{% macro methods() %}{{ return(['card', 'cash']) }}{% endmacro %}{% macro pick(x) %}{% if x %}{% do return({'k': x}) %}{% endif %}none{% endmacro %}",
      },
    ];
    const sql = "{% for m in methods() %}{{ m }}{{ ',' if not loop.last }}{% endfor %} {{ pick(1).k }} {{ pick(0) }}";
    assert.equal(compileWithSourceMap(sql, 't', { macros }).sql, 'card,cash 1 none');
  });

  it('says where a template fails: the model line, or the macro file line', () => {
    const placeOf = (sql: string, macros?: MacroFile[]) => {
      try {
        compileWithSourceMap(sql, 't', { macros });
      } catch (err) {
        if (err instanceof TemplateError) return { offset: err.data.offset, message: err.message };
        if (err instanceof MacroFileError) return { offset: -1, line: err.data.line, message: err.message };
        throw err;
      }
      assert.fail(`no error for ${sql}`);
    };
    const unknown = placeOf('SELECT 1\n{{ codegen.star(x) }}');
    assert.equal(unknown.offset, 9);
    assert.match(unknown.message, /codegen\.star\(\) is not defined: .*those of the packages rat deps installed/);
    assert.equal(placeOf('SELECT 1\n\n{% for x in %}').offset, 10);
    assert.equal(placeOf('a {% endif %}').offset, 0);
    assert.equal(placeOf('x\n{% if is_incremental() %} y').offset, 2);
    assert.match(placeOf('SELECT {{ nothing }}').message, /\{\{ nothing \}\} is undefined/);
    assert.throws(() => templatePieces('{% verbatim %}{{ x }}{% endverbatim %}'), /verbatim %\} is not supported/);
    assert.equal(placeOf('SELECT 1\n{% raw %}{{ x }}').offset, 9);
    const broken = [{ file: 'macros/a.sql', text: '{% macro a() %}\n{{ nope() }}\n{% endmacro %}' }];
    // An error while a macro runs is placed at the model's line that called it.
    const inMacro = placeOf('SELECT 1,\n{{ a() }}', broken);
    assert.equal(inMacro.offset, 10);
    assert.match(inMacro.message, /^nope\(\) is not defined/);
    const twice = [
      { file: 'macros/a.sql', text: '{% macro a() %}1{% endmacro %}' },
      { file: 'macros/b.sql', text: '\n{% macro a() %}2{% endmacro %}' },
    ];
    assert.match(placeOf('SELECT 1', twice).message, /^macros\/b\.sql:2: macro a is also defined in macros\/a\.sql/);
    const ref = [{ file: 'macros/r.sql', text: '{% macro ref(x) %}{% endmacro %}' }];
    assert.match(placeOf('SELECT 1', ref).message, /macro ref would replace dbt's ref\(\)/);
    assert.match(placeOf('SELECT 1', [{ file: 'macros/p.sql', text: '{% macro %}' }]).message, /^macros\/p\.sql:1: /);
  });

  it("reads config()'s keyword arguments as Python literals", () => {
    const cfg = (s: string) => configSettings(templatePieces(s));
    assert.deepEqual(
      cfg(
        "{{ config(materialized='incremental', unique_key=['a', \"b\"], full_refresh=False, tags=None, n=3, d={'k': 'v=1, w'},) }}",
      ),
      {
        materialized: 'incremental',
        unique_key: ['a', 'b'],
        full_refresh: false,
        tags: null,
        n: 3,
        d: { k: 'v=1, w' },
      },
    );
    assert.deepEqual(cfg("{{- config(\n  materialized = 'table'\n) -}}{{ config(on_schema_change='fail') }}"), {
      materialized: 'table',
      on_schema_change: 'fail',
    });
    assert.throws(() => cfg("{{ config(unique_key=var('k')) }}"), /var is computed/);
    assert.throws(() => cfg("{{ config('table') }}"), /keyword arguments only/);
    assert.throws(() => cfg("{{ config(a='x' ~ 'y') }}"), /not made of literals/);
  });
});
