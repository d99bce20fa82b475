import assert from 'node:assert/strict';
import { compileWithSourceMap } from './compile.ts';
import type { MacroFile } from './jinja-environment.ts';
import { dispatchOrder } from './macros.ts';
import type { MacroSet } from './jinja-macros.ts';

const set = (files: MacroFile[], dispatch?: unknown): MacroSet =>
  Object.assign(files, { dispatch: dispatchOrder(dispatch) });
const render = (sql: string, macros: MacroSet) => compileWithSourceMap(sql, 't', { macros }).sql.trim();

const DATES: MacroFile[] = [
  {
    file: 'dbt_packages/dates/macros/days.sql',
    package: 'dates',
    text: [
      "{% macro days_ago(n) %}{{ return(adapter.dispatch('days_ago', 'dates')(n)) }}{% endmacro %}",
      "{% macro default__days_ago(n) %}now() - INTERVAL '{{ n }} days'{% endmacro %}",
      "{% macro duckdb__days_ago(n) %}{{ dbt.dateadd('day', -n, 'current_date') }}{% endmacro %}",
    ].join('\n'),
  },
  {
    file: 'dbt_packages/dates/macros/helpers.sql',
    package: 'dates',
    // Calls its own package's macros by name (in another file), and the project's `cents`.
    text: "{% macro week_ago() %}{{ days_ago(7) }} /* {{ cents('x') }} */{% endmacro %}\n{% test recent(model, column_name) %}SELECT * FROM {{ model }} WHERE {{ column_name }} < {{ days_ago(1) }}{% endtest %}",
  },
];
const OWN: MacroFile = { file: 'macros/money.sql', text: '{% macro cents(c) %}({{ c }} * 100){% endmacro %}' };

describe("engine: packages' macros and adapter.dispatch() in templates", () => {
  it("calls a package's macros as package.macro(), which call their own package's and the project's by name", () => {
    const macros = set([OWN, ...DATES]);
    assert.equal(render('{{ dates.days_ago(3) }}', macros), 'date_add(current_date, INTERVAL (-3) day)');
    assert.equal(render('{{ dates.week_ago() }}', macros), 'date_add(current_date, INTERVAL (-7) day) /* (x * 100) */');
    // A package's macro is not a name of the project's templates: dbt calls it by its package.
    assert.throws(() => render('{{ days_ago(3) }}', macros), /days_ago\(\) is not defined.*package\.macro\(\)/);
    assert.throws(() => render('{{ dates.nothing() }}', macros), /dates\.nothing\(\) is not defined/);
  });

  it("dispatch follows rat.yaml's search order: the project's own version of a package's macro wins", () => {
    const mine: MacroFile = {
      file: 'macros/override.sql',
      text: '{% macro default__days_ago(n) %}my_days_ago({{ n }}){% endmacro %}',
    };
    const order = [{ macro_namespace: 'dates', search_order: ['my_project', 'dates'] }];
    assert.equal(render('{{ dates.days_ago(2) }}', set([OWN, mine, ...DATES], order)), 'my_days_ago(2)');
    // Without the search order, the package's DuckDB version.
    assert.match(render('{{ dates.days_ago(2) }}', set([OWN, mine, ...DATES])), /^date_add/);
    // The project's own dispatch (no namespace), and built-in namespaces.
    assert.equal(render("{{ adapter.dispatch('days_ago')(5) }}", set([OWN, mine])), 'my_days_ago(5)');
    assert.equal(render("{{ adapter.dispatch('type_string', 'dbt')() }}", set([OWN])), 'VARCHAR');
    assert.throws(
      () => render("{{ adapter.dispatch('nope', 'dates')() }}", set([OWN, ...DATES])),
      /adapter\.dispatch\('nope', 'dates'\) found no macro: searched dates\.duckdb__nope, dates\.default__nope/,
    );
  });

  it("dbt_utils' package adds the macros rat does not build in; the built-in ones keep answering", () => {
    const utils: MacroFile = {
      file: 'dbt_packages/dbt_utils/macros/x.sql',
      package: 'dbt_utils',
      text: [
        '{% macro star(from) %}PACKAGE{% endmacro %}',
        "{% macro km(a) %}{{ return(adapter.dispatch('km', 'dbt_utils')(a)) }}{% endmacro %}",
        '{% macro default__km(a) %}{{ a }} * 1.609{% endmacro %}',
        '{% macro default__group_by(n) %}PACKAGE{% endmacro %}',
        // In a package, an undefined name renders empty, as dbt renders it.
        '{% macro maybe(x) %}{% if x %}{% set shown = x %}{% endif %}<{{ shown }}>{% endmacro %}',
      ].join('\n'),
    };
    const macros = set([OWN, utils]);
    assert.equal(render("{{ dbt_utils.km('mi') }} {{ dbt_utils.maybe(none) }}", macros), 'mi * 1.609 <>');
    assert.equal(render('{{ dbt_utils.group_by(2) }}', macros), 'group by 1, 2');
    assert.equal(render("{{ adapter.dispatch('group_by', 'dbt_utils')(1) }}", macros), 'group by 1');
    assert.equal(render("{{ dbt_utils.star('x') if false else 'built-in' }}", macros), 'built-in');
    assert.throws(() => render('{{ not_there }}', macros), /\{\{ not_there \}\} is undefined/);
  });

  it('refuses a package named as a macro of the project, and two macros of one name in a package', () => {
    const clash: MacroFile = { file: 'p/macros/x.sql', package: 'cents', text: '{% macro a() %}1{% endmacro %}' };
    assert.throws(() => render('{{ 1 }}', set([OWN, clash])), /package cents is named as a macro of the project/);
    const twice: MacroFile[] = [
      { file: 'p/macros/a.sql', package: 'p', text: '{% macro a() %}1{% endmacro %}' },
      { file: 'p/macros/b.sql', package: 'p', text: '{% macro a() %}2{% endmacro %}' },
    ];
    assert.throws(
      () => render('{{ 1 }}', set(twice)),
      /p\/macros\/b\.sql:1: macro a is also defined in p\/macros\/a\.sql/,
    );
    // The same name in two packages, or in a package and the project, is two macros.
    const other: MacroFile = { file: 'q/macros/a.sql', package: 'q', text: '{% macro cents() %}q{% endmacro %}' };
    assert.equal(render('{{ q.cents() }} {{ cents(1) }}', set([OWN, other])), 'q (1 * 100)');
  });

  it("var(): the run's vars, then those scoped to a package, then the package's own, then the call's default", () => {
    const macros = Object.assign(set([]), { vars: { 'dates:tz': 'America/Los_Angeles' }, packages: ['dates'] });
    const v = (vars: Record<string, unknown>) =>
      compileWithSourceMap("{{ var('dates:tz', 'UTC') }}", 't', { macros, vars }).sql;
    assert.equal(v({}), 'America/Los_Angeles');
    assert.equal(v({ dates: { 'dates:tz': 'Europe/Paris' } }), 'Europe/Paris');
    assert.equal(v({ 'dates:tz': 'Asia/Tokyo', dates: { 'dates:tz': 'Europe/Paris' } }), 'Asia/Tokyo');
    assert.equal(compileWithSourceMap("{{ var('dates:tz', 'UTC') }}", 't', { macros: set([]) }).sql, 'UTC');
  });

  it("rat.yaml's dispatch entries are checked", () => {
    assert.throws(() => dispatchOrder({ dates: ['x'] }), /dispatch: must be a list/);
    assert.throws(() => dispatchOrder([{ macro_namespace: 'dates' }]), /dispatch: \[0\] must have macro_namespace/);
    assert.deepEqual([...dispatchOrder([{ macro_namespace: 'd', search_order: ['a', 'd'] }])], [['d', ['a', 'd']]]);
  });
});

describe("engine: dbt's cross-database macros and exceptions", () => {
  const macros = set([]);
  it('writes each as DuckDB spells it', () => {
    const cases: [string, string][] = [
      ["{{ dbt.dateadd('month', 1, 'd') }}", 'date_add(d, INTERVAL (1) month)'],
      ["{{ dbt.datediff('a', 'b', 'day') }}", "date_diff('day', CAST(a AS TIMESTAMP), CAST(b AS TIMESTAMP))"],
      ["{{ dbt.date_trunc('week', 'd') }}", "date_trunc('week', d)"],
      ["{{ dbt.safe_cast('x', dbt.type_int()) }}", 'TRY_CAST(x AS INTEGER)'],
      ["{{ dbt.concat(['a', \"'-'\", 'b']) }}", "concat(a, '-', b)"],
      ["{{ dbt.listagg('name', \"', '\", 'ORDER BY name') }}", "string_agg(name, ', ' ORDER BY name)"],
      ['{{ dbt.string_literal("it\'s") }}', "'it''s'"],
      ["{{ dbt.split_part(string_text='s', delimiter_text=\"','\", part_number=2) }}", "split_part(s, ',', 2)"],
      ["{{ dbt.last_day('d', 'month') }}", "CAST(date_trunc('month', d) + INTERVAL 1 month - INTERVAL 1 DAY AS DATE)"],
    ];
    for (const [sql, want] of cases) assert.equal(render(sql, macros), want, sql);
  });

  it('raise_compiler_error stops at its line; warn is logged', () => {
    assert.throws(
      () => render("SELECT 1\n{{ exceptions.raise_compiler_error('bad input') }}", macros),
      (err: Error & { data?: { offset?: number } }) => /Compilation Error: bad input/.test(err.message),
    );
    const r = compileWithSourceMap("{{ exceptions.warn('careful') }}SELECT 1", 't', { macros });
    assert.deepEqual(r.logs, ['Warning: careful']);
    assert.throws(
      () => render('{{ dbt.nope() }}', macros),
      /dbt\.nope\(\) is not provided: of dbt's cross-database macros/,
    );
  });
});
