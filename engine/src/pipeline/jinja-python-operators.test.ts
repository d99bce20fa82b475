import assert from 'node:assert/strict';
import { compileWithSourceMap } from './compile.ts';
import { QueryResult } from './jinja-queries.ts';
import { pythonTruthy } from './jinja-python-operators.ts';

const render = (sql: string, names: Record<string, unknown> = {}) => compileWithSourceMap(sql, 't', { names }).sql;

describe("engine: Python's truthiness in templates", () => {
  it('takes empty lists, mappings and results as false, anything else as JavaScript does', () => {
    for (const v of [[], {}, new Map(), new Set(), new QueryResult(['a'], []), '', 0, null, undefined, false])
      assert.equal(pythonTruthy(v), false, String(v));
    for (const v of [[0], { a: 1 }, new QueryResult(['a'], [{ a: 1 }]), 'x', 1, true, new Date(0)])
      assert.equal(pythonTruthy(v), true, String(v));
  });

  it('in if, inline if, not, and, or — the last two giving an operand, as Python', () => {
    assert.equal(render('{% if cols %}a{% else %}none{% endif %}', { cols: [] }), 'none');
    assert.equal(render('{% if cols %}a{% else %}none{% endif %}', { cols: ['x'] }), 'a');
    assert.equal(render("{{ 'some' if m else 'empty' }}", { m: {} }), 'empty');
    assert.equal(render('{% if not r %}no rows{% endif %}', { r: new QueryResult(['a'], []) }), 'no rows');
    assert.equal(render("{{ cols or 'all' }}|{{ [1] and 'both' }}|{{ 0 or '' or 'z' }}", { cols: [] }), 'all|both|z');
    assert.equal(render('{% if 1 == 1 and (2 > 1 or false) %}ok{% endif %}'), 'ok');
  });
});

describe("engine: Python's values in templates (lists, strings, tuples, indexes)", () => {
  it('joins lists with +, repeats with *, formats strings with %', () => {
    assert.equal(render('{{ ([1, 2] + [3]) | join(",") }}'), '1,2,3');
    assert.equal(render("{{ 'ab' * 2 }}|{{ ([0] * 3) | join(',') }}|{{ 3 * 2 }}"), 'abab|0,0,0|6');
    assert.equal(
      render("{{ '%s_%02d' % ('day', 7) }}|{{ '%(n)s!' % {'n': 'x'} }}|{{ '%s' % 'one' }}|{{ 7 % 3 }}"),
      'day_07|x!|one|1',
    );
  });

  it('a tuple is a list; an index below zero counts from the end; a slice of a string is a string', () => {
    assert.equal(render('{% for a, b in [(1, 2), (3, 4)] %}{{ a }}{{ b }};{% endfor %}'), '12;34;');
    assert.equal(render("{{ 'silver.orders'.split('.')[-1] }}|{{ [1, 2, 3][-2] }}|{{ 'abc'[-1] }}"), 'orders|2|c');
    assert.equal(render("{{ 'abcdef'[1:3] }}|{{ 'abc'[::-1] }}|{{ [1, 2, 3][1:] | join(',') }}"), 'bc|cba|2,3');
  });
});
