import assert from 'node:assert/strict';
import { compileWithSourceMap, runVarsJson, UndefinedVarError } from './compile.ts';

describe('engine: compiling a model with refs, this and vars', () => {
  it("replaces var('x') with the run's value, else its default, as dbt renders it", () => {
    const sql = `SELECT * FROM {{ ref('bronze.a') }} WHERE day >= '{{ var("start") }}' AND n < {{ var('limit', 10) }} AND {{var('flag',true)}} AND x = '{{ var('who', "it's") }}'`;
    assert.equal(
      compileWithSourceMap(sql, 'silver.t', { vars: { start: '2024-01-01' } }).sql,
      `SELECT * FROM "bronze"."a" WHERE day >= '2024-01-01' AND n < 10 AND true AND x = 'it's'`,
    );
    const given = compileWithSourceMap(sql, 'silver.t', {
      vars: { start: '2024-02-01', limit: 3, flag: false, who: 'me' },
    }).sql;
    assert.match(given, /day >= '2024-02-01' AND n < 3 AND false AND x = 'me'/);
    assert.equal(compileWithSourceMap('{{ var("v") }}', 't', { vars: { v: null } }).sql, 'NULL');
    // A default is a Jinja expression, as in dbt; YAML's dates (an unquoted 2024-01-01 in rat.yaml or --vars)
    // stand for their text.
    assert.equal(compileWithSourceMap('{{ var("v", 2024-03-01) }}', 't').sql, '2020');
    assert.equal(compileWithSourceMap('{{ var("v", \'2024-03-01\') }}', 't').sql, '2024-03-01');
    assert.equal(
      compileWithSourceMap('{{ var("v") }}', 't', { vars: { v: new Date('2024-03-01T10:30:00Z') } }).sql,
      '2024-03-01 10:30:00',
    );
    assert.equal(compileWithSourceMap('{{ var("v") }}', 't', { vars: { v: ['a', 1] } }).sql, '["a",1]');
  });

  it('records the vars as JSON, a YAML date as its text', () => {
    assert.equal(
      runVarsJson({ since: new Date('2024-01-01T00:00:00Z'), n: 3, nested: { at: new Date('2024-01-01T10:00:00Z') } }),
      '{"since":"2024-01-01","n":3,"nested":{"at":"2024-01-01 10:00:00"}}',
    );
  });

  it('renders a table of a namespace of several levels as the view the engine names it', () => {
    assert.equal(
      compileWithSourceMap("SELECT * FROM {{ ref('raw.eu', 'orders') }}", 't').sql,
      'SELECT * FROM "raw_eu"."orders"',
    );
  });

  it("reads dbt's source('layer', 'name') as a ref", () => {
    assert.equal(
      compileWithSourceMap("SELECT * FROM {{ source('bronze', 'orders') }} JOIN {{ source('bronze.customers') }}", 't')
        .sql,
      'SELECT * FROM "bronze"."orders" JOIN "bronze"."customers"',
    );
  });

  it('a var without a value or default is UNDEFINED_VAR, with where it is', () => {
    const sql = 'SELECT 1\nWHERE {{ var("missing") }}';
    assert.throws(
      () => compileWithSourceMap(sql, 't', { vars: { other: 1 } }),
      (err: unknown) =>
        err instanceof UndefinedVarError &&
        err.code === 'UNDEFINED_VAR' &&
        err.data.name === 'missing' &&
        err.data.offset === sql.indexOf('\n') + 1 &&
        /--vars/.test(err.message),
    );
    // A value inherited from Object.prototype is no value.
    assert.throws(() => compileWithSourceMap('{{ var("toString") }}', 't', { vars: {} }), UndefinedVarError);
  });

  it('maps positions after a var back to the SQL as written', () => {
    const sql = "SELECT {{ var('n') }} AS n, bad_col FROM {{ this }}";
    const c = compileWithSourceMap(sql, 'gold.t', { vars: { n: 12345 } });
    assert.equal(c.sql, 'SELECT 12345 AS n, bad_col FROM "gold"."t"');
    assert.equal(c.sourceOffset(c.sql.indexOf('bad_col')), sql.indexOf('bad_col'));
    assert.equal(c.sourceOffset(c.sql.indexOf('12345') + 2), sql.indexOf('{{'));
  });
});
