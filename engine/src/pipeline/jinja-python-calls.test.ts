import assert from 'node:assert/strict';
import { compileWithSourceMap } from './compile.ts';
import type { MacroFile } from './jinja-environment.ts';

const MACROS: MacroFile[] = [
  {
    file: 'macros/m.sql',
    text: [
      '{% macro inner(a, b=2) %}{{ a }}-{{ b }}-{{ kwargs | tojson }}-{{ varargs | tojson }}{% endmacro %}',
      '{% macro outer(x) %}[{{ inner(x, **kwargs) }}]{% endmacro %}',
      '{% macro three(a, b, c) %}{{ a }}{{ b }}{{ c }}{% endmacro %}',
    ].join('\n'),
  },
];
const render = (sql: string) => compileWithSourceMap(sql, 't', { macros: MACROS }).sql;

describe("engine: Jinja's spread arguments and a macro's kwargs / varargs", () => {
  it('spreads a list into positional arguments and a mapping into keyword arguments', () => {
    assert.equal(render("{{ three(*[1, 2], **{'c': 3}) }}"), '123');
    assert.equal(render("{{ three(1, *['x', 'y']) }}"), '1xy');
    assert.equal(render("{{ three(*'ab', c='!') }}"), 'ab!');
    // A keyword written in the call wins over the spread mapping's.
    assert.equal(render("{{ three(1, 2, c=3, **{'c': 4}) }}"), '123');
    assert.throws(() => render('{{ three(**[1]) }}'), /\*\*list cannot be spread into keyword arguments/);
    assert.throws(() => render('{{ three(*5) }}'), /\*number cannot be spread into arguments/);
  });

  it('gives a macro the keyword arguments its signature does not name, and the extra positional ones', () => {
    assert.equal(render('{{ inner(1) }}'), '1-2-{}-[]');
    assert.equal(render('{{ inner(1, 3, 4, 5, z=9) }}'), '1-3-{"z":9}-[4,5]');
    // Handed on with **kwargs (as dbt_utils' tests hand theirs to the dispatched version).
    assert.equal(render("{{ outer(7, b=8, extra='e') }}"), '[7-8-{"extra":"e"}-[]]');
    // Outside a macro both are empty; a macro's are its own call's, not its caller's.
    assert.equal(render('{{ kwargs | tojson }} {{ varargs | tojson }}'), '{} []');
    assert.equal(render('{{ outer(1, z=2) }} {{ inner(0) }}'), '[1-2-{"z":2}-[]] 0-2-{}-[]');
  });
});
