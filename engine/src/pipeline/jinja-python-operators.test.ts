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
