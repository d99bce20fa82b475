import type { MacroFile } from './jinja-environment.ts';

/*
 * The generic tests of the dbt_utils package that property files list most, built in: a project lists them as dbt
 * does (`- dbt_utils.unique_combination_of_columns: { combination_of_columns: [a, b] }`). Each is a `{% test %}`
 * block written for DuckDB; its rows are the test's failures. A block's name is the test's with `__` for the dot.
 */
const TESTS = `
{% test dbt_utils__unique_combination_of_columns(model, combination_of_columns, quote_columns=false) %}
{%- set cols = combination_of_columns | join(', ') -%}
SELECT {{ cols }}, count(*) AS n FROM {{ model }} GROUP BY {{ cols }} HAVING count(*) > 1
{% endtest %}

{% test dbt_utils__expression_is_true(model, expression, column_name=none) %}
SELECT * FROM {{ model }} WHERE NOT coalesce(({{ column_name ~ ' ' if column_name else '' }}{{ expression }}), false)
{% endtest %}

{% test dbt_utils__accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
SELECT * FROM {{ model }} WHERE {{ column_name }} IS NOT NULL AND (false
{%- if min_value is not none %} OR {{ column_name }} {{ '<' if inclusive else '<=' }} {{ min_value }}{% endif %}
{%- if max_value is not none %} OR {{ column_name }} {{ '>' if inclusive else '>=' }} {{ max_value }}{% endif %})
{% endtest %}

{% test dbt_utils__not_accepted_values(model, column_name, values) %}
SELECT * FROM {{ model }} WHERE CAST({{ column_name }} AS VARCHAR) IN (
{%- for v in values %}'{{ v | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor %})
{% endtest %}

{% test dbt_utils__not_constant(model, column_name) %}
SELECT count(DISTINCT {{ column_name }}) AS distinct_values FROM {{ model }} HAVING count(DISTINCT {{ column_name }}) <= 1
{% endtest %}

{% test dbt_utils__at_least_one(model, column_name) %}
SELECT count({{ column_name }}) AS non_null FROM {{ model }} HAVING count({{ column_name }}) = 0
{% endtest %}

{% test dbt_utils__not_empty_string(model, column_name, trim_whitespace=true) %}
SELECT * FROM {{ model }} WHERE {{ 'trim(' ~ column_name ~ ')' if trim_whitespace else column_name }} = ''
{% endtest %}

{% test dbt_utils__not_null_proportion(model, column_name, at_least, at_most=1.0) %}
SELECT proportion FROM (SELECT count({{ column_name }})::DOUBLE / nullif(count(*), 0) AS proportion FROM {{ model }})
WHERE proportion < {{ at_least }} OR proportion > {{ at_most }}
{% endtest %}

{% test dbt_utils__relationships_where(model, column_name, to, field, from_condition='1=1', to_condition='1=1') %}
SELECT * FROM {{ model }} AS c WHERE c.{{ column_name }} IS NOT NULL AND ({{ from_condition }})
AND NOT EXISTS (SELECT 1 FROM {{ to }} AS p WHERE p.{{ field }} = c.{{ column_name }} AND ({{ to_condition }}))
{% endtest %}

{% test dbt_utils__equal_rowcount(model, compare_model) %}
SELECT a.n AS rows, b.n AS compared_rows FROM (SELECT count(*) AS n FROM {{ model }}) AS a,
(SELECT count(*) AS n FROM {{ compare_model }}) AS b WHERE a.n <> b.n
{% endtest %}

{% test dbt_utils__recency(model, field, datepart, interval, ignore_time_component=false) %}
SELECT max({{ field }}) AS most_recent FROM {{ model }}
HAVING max({{ field }}){{ '::DATE' if ignore_time_component else '' }} IS NULL
OR max({{ field }}){{ '::DATE' if ignore_time_component else '' }} < now()::TIMESTAMP - INTERVAL '{{ interval }} {{ datepart }}'
{% endtest %}
`;

/** The built-in tests as a macro file of every project's (after its own `macros/`). */
export const DBT_UTILS_TESTS: MacroFile = { file: '<dbt_utils tests>', text: TESTS };

/** The names of the built-in blocks (`dbt_utils__accepted_range`, …). */
const BUILT_IN_BLOCKS = new Set([...TESTS.matchAll(/\{% test (\w+)\(/g)].map((m) => m[1]!));

/**
 * The `{% test %}` block a generic test's name stands for: `dbt_utils.x` is the built-in `dbt_utils__x` when rat
 * builds it in, another package's `pkg.x` (and the rest of dbt_utils', from its package) its block `test_x`.
 *
 * @example testMacroName('dbt_utils.accepted_range') // 'test_dbt_utils__accepted_range'
 * @example testMacroName('dbt_expectations.expect_column_to_exist') // 'dbt_expectations.test_expect_column_to_exist'
 */
export function testMacroName(test: string): string {
  const builtIn = test.replace(/^dbt_utils\./, 'dbt_utils__');
  if (BUILT_IN_BLOCKS.has(builtIn)) return `test_${builtIn}`;
  const dot = test.lastIndexOf('.');
  return dot < 0 ? `test_${test}` : `${test.slice(0, dot)}.test_${test.slice(dot + 1)}`;
}

/**
 * A block's name as property files list the test: `dbt_utils__x` is `dbt_utils.x`.
 *
 * @example listedTestName('dbt_utils__accepted_range') // 'dbt_utils.accepted_range'
 */
export function listedTestName(block: string): string {
  return block.replace(/^dbt_utils__/, 'dbt_utils.');
}
