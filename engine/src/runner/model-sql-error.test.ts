import assert from 'node:assert/strict';
import { ModelSqlError } from '../errors/engine-error.ts';
import { compileWithSourceMap } from '../pipeline/compile.ts';
import { splitHeader } from '../pipeline/sql-file.ts';
import type { SqlModel } from '../pipeline/model.ts';
import { useEngineFixture } from '../testing/engine-fixture.ts';
import { transform } from './materialize.ts';
import { modelSqlError } from './model-sql-error.ts';

describe('engine: a SQL error in a model points at the model file', function () {
  this.timeout(60_000);
  const fx = useEngineFixture('rat-sqlerr-');

  /** Builds `text` as the model gold.t (file gold/t.sql) and returns the error it fails with, mapped. */
  async function failure(text: string, materialized: 'table' | 'incremental' = 'table'): Promise<ModelSqlError> {
    const parts = splitHeader(text);
    const model = { kind: 'sql', id: 'gold.t', file: 'gold/t.sql', sql: parts.sql, sqlLine: parts.sqlLine } as SqlModel;
    const compiled = compileWithSourceMap(model.sql, model.id);
    await fx.sql.exec(`CREATE SCHEMA IF NOT EXISTS bronze; CREATE OR REPLACE TABLE bronze.a AS SELECT 1 AS id`);
    const err = await transform(fx.sql, fx.client, {
      sql: compiled.sql,
      target: 'gold.t',
      materialized,
      mergeKeys: materialized === 'incremental' ? ['id'] : [],
    }).then(
      () => assert.fail('the model should fail'),
      (e: unknown) => modelSqlError(e, model, compiled, text),
    );
    assert.ok(err instanceof ModelSqlError, String(err));
    assert.equal(err.code, 'MODEL_SQL_ERROR');
    assert.equal(err.data.file, 'gold/t.sql');
    return err;
  }

  const header = ['-- materialized: table', '-- tests:', '--   - not_null: id', ''].join('\n');

  it('an unknown column after a ref template: line and column in the file', async () => {
    const text = `${header}SELECT a.id,\n  (SELECT max(id) FROM {{ ref('bronze.a') }}) AS again,\n  a.nope\nFROM {{ ref('bronze.a') }} AS a\n`;
    const err = await failure(text);
    // Line 6 of the file is "  a.nope": the header has 3 lines, the SELECT starts on line 4.
    assert.deepEqual([err.data.line, err.data.column], [6, 3]);
    assert.match(err.message, /^gold\/t\.sql:6:3: /);
  });

  it('a parse error shows the model line, not the statement the engine wrapped it in', async () => {
    const text = `/* ---\nmaterialized: incremental\nunique_key: id\n--- */\nSELECT id\nFORM {{ ref('bronze.a') }}\n`;
    const err = await failure(text, 'incremental');
    assert.equal(err.data.line, 6);
    assert.doesNotMatch(err.message, /DESCRIBE|CREATE/);
  });

  it('a name inside a template is blamed at the template', async () => {
    const text = `SELECT *\nFROM {{ ref('bronze.missing') }}\n`;
    const err = await failure(text);
    assert.deepEqual([err.data.line, err.data.column], [2, 6]);
  });

  it('compileWithSourceMap maps offsets after and inside templates back to the written SQL', () => {
    const written = "SELECT * FROM {{ ref('bronze.a') }} JOIN {{ this }} WHERE x";
    const c = compileWithSourceMap(written, 'gold.t');
    assert.equal(c.sql, 'SELECT * FROM "bronze"."a" JOIN "gold"."t" WHERE x');
    assert.equal(c.sourceOffset(c.sql.indexOf('WHERE')), written.indexOf('WHERE'));
    assert.equal(c.sourceOffset(c.sql.indexOf('JOIN')), written.indexOf('JOIN'));
    assert.equal(c.sourceOffset(c.sql.indexOf('"a"')), written.indexOf('{{ ref'));
    assert.equal(c.sourceOffset(3), 3);
  });
});
