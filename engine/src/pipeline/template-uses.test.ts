import assert from 'node:assert/strict';
import { modelsCallingMacros, modelsUsingVars } from './template-uses.ts';
import type { Project, SqlModel } from './model.ts';

const model = (id: string, sql: string) => ({ kind: 'sql', id, sql }) as SqlModel;

describe("engine: the models a project's changed macros and variables reach", () => {
  const project = {
    models: new Map(
      [
        model('silver.a', "SELECT {{ money('x') }} FROM t"),
        model('silver.b', "SELECT {{ total('x') }} FROM t"),
        model('gold.c', 'SELECT moneyish FROM t'),
        model('gold.e', 'SELECT {{ fx() }} AS rate'),
        model('gold.d', "SELECT * FROM t WHERE day >= '{{ var(\"start\") }}' AND region = '{{ var('region', 'eu') }}'"),
      ].map((m) => [m.id, m]),
    ),
    macros: [
      { file: 'macros/money.sql', text: '{% macro money(c) %}round({{ c }}, 2){% endmacro %}' },
      { file: 'macros/sums.sql', text: '{%- macro total(c) %}sum({{ money(c) }}){% endmacro %}' },
      { file: 'macros/other.sql', text: '{% macro other() %}1{% endmacro %}' },
      {
        file: 'macros/fx.sql',
        text: "{% macro fx() %}{{ var('rate') }}{% endmacro %}{% macro money2(c) %}{{ c }}{% endmacro %}",
      },
    ],
  } as unknown as Project;

  it('follows a macro to the macros that call it, and to the models calling any of them', () => {
    assert.deepEqual(modelsCallingMacros(project, ['macros/money.sql']), ['silver.a', 'silver.b']);
    assert.deepEqual(modelsCallingMacros(project, ['macros/sums.sql']), ['silver.b']);
    assert.deepEqual(modelsCallingMacros(project, ['macros/other.sql']), []);
    assert.deepEqual(modelsCallingMacros(project, []), []);
  });

  it('follows a variable to the models and macros that read it', () => {
    assert.deepEqual(modelsUsingVars(project, ['start']), ['gold.d']);
    assert.deepEqual(modelsUsingVars(project, ['region', 'nothing']), ['gold.d']);
    assert.deepEqual(modelsUsingVars(project, ['rate']), ['gold.e']);
    assert.deepEqual(modelsUsingVars(project, []), []);
  });
});
