import assert from 'node:assert/strict';
import { compileWithSourceMap } from './compile.ts';
import { configSettings } from './config-call.ts';
import { renderedPieces, templatePieces, TemplateError } from './template.ts';

const render = (sql: string, incremental: boolean) => compileWithSourceMap(sql, 'silver.t', { incremental }).sql;

describe("engine: dbt's Jinja in a model (is_incremental blocks, config, comments)", () => {
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

  it('maps positions in the rendered SQL back to the SQL as written', () => {
    const written = 'SELECT a\n{% if is_incremental() %}\nFROM {{ this }} WHERE bad\n{% endif %}';
    const c = compileWithSourceMap(written, 'gold.t', { incremental: true });
    assert.equal(c.sourceOffset(c.sql.indexOf('bad')), written.indexOf('bad'));
    assert.equal(c.sourceOffset(c.sql.indexOf('"gold"') + 3), written.indexOf('{{ this }}'));
    assert.equal(c.readsSelf, true);
    assert.equal(compileWithSourceMap(written, 'gold.t').readsSelf, false);
  });

  it('refuses tags it does not render and unbalanced blocks, at their place', () => {
    const offsetOf = (sql: string, f: () => unknown) => {
      try {
        f();
      } catch (err) {
        assert.ok(err instanceof TemplateError, String(err));
        return err.data.offset;
      }
      assert.fail(`no error for ${sql}`);
    };
    const loop = 'SELECT 1 {% for x in y %}{% endfor %}';
    assert.equal(
      offsetOf(loop, () => templatePieces(loop)),
      9,
    );
    for (const sql of ['a {% endif %}', 'a {% else %}', '{% if is_incremental() %}{% else %}{% else %}{% endif %}']) {
      assert.throws(() => renderedPieces(templatePieces(sql), true), TemplateError, sql);
    }
    const open = 'x {% if is_incremental() %} y';
    assert.equal(
      offsetOf(open, () => renderedPieces(templatePieces(open), false)),
      2,
    );
    assert.throws(() => render('{{ dbt_utils.star(x) }}', false), /no macros/);
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
