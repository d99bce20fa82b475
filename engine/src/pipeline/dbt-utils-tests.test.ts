import assert from 'node:assert/strict';
import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import { compileWithSourceMap } from './compile.ts';
import { DBT_UTILS_TESTS, listedTestName, testMacroName } from './dbt-utils-tests.ts';
import { genericTestNames } from './macros.ts';
import { Relation } from './jinja-values.ts';

describe("engine: dbt_utils' generic tests, built in", function () {
  this.timeout(30_000);
  let sql: DuckDbRunner;
  before(async () => {
    sql = await DuckDbRunner.open();
    await sql.exec('CREATE SCHEMA s');
    await sql.exec(
      "CREATE TABLE s.t AS SELECT * FROM (VALUES (1, 'a', now() - INTERVAL 1 DAY), (2, ' ', now() - INTERVAL 3 DAY), (3, NULL, NULL)) AS v(id, name, ts)",
    );
  });
  after(() => sql.close());

  /** The failing rows of a built-in test called as the runner calls it. */
  const failures = async (test: string, args: string) => {
    const call = `{{ ${testMacroName(test)}(model=__rat_model, ${args}) }}`;
    const select = compileWithSourceMap(call, 's.t', {
      macros: [DBT_UTILS_TESTS],
      names: { __rat_model: new Relation('s.t') },
    }).sql;
    return (await sql.query(`SELECT count(*) AS n FROM (${select})`))[0]!.n;
  };

  it('are listed by their dotted names and called by their blocks', () => {
    assert.ok(genericTestNames([DBT_UTILS_TESTS]).has('dbt_utils.accepted_range'));
    assert.equal(testMacroName('dbt_utils.accepted_range'), 'test_dbt_utils__accepted_range');
    assert.equal(testMacroName('positive'), 'test_positive');
    // The rest of dbt_utils' tests come from its package, when installed.
    assert.equal(testMacroName('dbt_utils.equality'), 'dbt_utils.test_equality');
    assert.equal(listedTestName('dbt_utils__recency'), 'dbt_utils.recency');
  });

  it('find the rows dbt_utils would fail', async () => {
    const cases: [string, string, number][] = [
      ['dbt_utils.unique_combination_of_columns', "combination_of_columns=['id', 'name']", 0],
      ['dbt_utils.expression_is_true', "expression='id < 3'", 1],
      ['dbt_utils.expression_is_true', "column_name='id', expression='>= 2'", 1],
      ['dbt_utils.accepted_range', "column_name='id', min_value=1, max_value=2", 1],
      ['dbt_utils.accepted_range', "column_name='id', min_value=1, max_value=3, inclusive=false", 2],
      ['dbt_utils.not_accepted_values', "column_name='name', values=['a', 'b']", 1],
      ['dbt_utils.not_constant', "column_name='id'", 0],
      ['dbt_utils.at_least_one', "column_name='name'", 0],
      ['dbt_utils.not_empty_string', "column_name='name'", 1],
      ['dbt_utils.not_empty_string', "column_name='name', trim_whitespace=false", 0],
      ['dbt_utils.not_null_proportion', "column_name='name', at_least=0.9", 1],
      ['dbt_utils.not_null_proportion', "column_name='name', at_least=0.5", 0],
      ['dbt_utils.relationships_where', "column_name='id', to=__rat_model, field='id', to_condition='id < 3'", 1],
      ['dbt_utils.equal_rowcount', 'compare_model=__rat_model', 0],
      ['dbt_utils.recency', "field='ts', datepart='day', interval=2", 0],
      ['dbt_utils.recency', "field='ts', datepart='hour', interval=12", 1],
    ];
    for (const [test, args, n] of cases) assert.equal(Number(await failures(test, args)), n, `${test}(${args})`);
  });
});
