import assert from 'node:assert/strict';
import { compileWithSourceMap } from './compile.ts';

const render = (sql: string) => compileWithSourceMap(sql, 'silver.t').sql;

describe("engine: Python's string methods in a model's Jinja", () => {
  it('gives texts the methods dbt templates call, with their Python meaning', () => {
    assert.equal(render("{{ 'Order_Id'.upper() }} {{ 'ABC'.lower() }} {{ '  x '.strip() }}|"), 'ORDER_ID abc x|');
    assert.equal(render("{{ 'xxaxx'.strip('x') }} {{ '--a'.lstrip('-') }} {{ 'a  '.rstrip() }}|"), 'a a a|');
    assert.equal(render("{{ 'a.b.c'.replace('.', '_') }} {{ 'a.b.c'.replace('.', '_', 1) }}"), 'a_b_c a_b.c');
    assert.equal(
      render("{{ 'a, b,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a,b,c'.split(',', 1) }}"),
      '["a"," b","c"] ["a","b"] ["a","b,c"]',
    );
    assert.equal(
      render("{{ ', '.join(['a', 'b']) }} {{ 'order id'.title() }} {{ 'hELLO'.capitalize() }}"),
      'a, b Order Id Hello',
    );
    assert.equal(render("{{ '{}_{}'.format('a', 1) }} {{ '{1}{0}'.format('a', 'b') }}"), 'a_1 ba');
    assert.equal(render("{% if 'stg_orders'.startswith('stg_') and 'x.sql'.endswith('.sql') %}yes{% endif %}"), 'yes');
    // Lists and dicts keep nunjucks' own Python methods; a text's length is still its JavaScript one.
    assert.equal(render("{% set l = ['b'] %}{% do l.append('c') %}{{ l }} {{ 'abc'.length }}"), '["b","c"] 3');
  });

  it("reaches no JavaScript through a value's constructor or prototype", () => {
    const global = globalThis as unknown as Record<string, unknown>;
    global.ratTemplateReached = false;
    for (const sql of [
      "{{ ''.constructor.constructor('globalThis.ratTemplateReached = true')() }}",
      "{{ [].__proto__.constructor.constructor('globalThis.ratTemplateReached = true')() }}",
      "{{ ref.constructor('globalThis.ratTemplateReached = true')() }}",
    ]) {
      assert.throws(() => render(sql), /is not defined|undefined/, sql);
    }
    assert.equal(global.ratTemplateReached, false);
  });
});
