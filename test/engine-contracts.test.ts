/**
 * dbt's enforced model contracts, run by the real CLI against a real server: the result's columns and types are
 * checked before anything is written, `not_null` constraints on the written files' statistics before the commit; a
 * broken contract fails the run with CONTRACT_VIOLATION and leaves the branch as it was. Declared in a model's header
 * or in a property file.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ManagementClient } from '@ratatouille/catalog-client';
import { queryBranch } from './support/engine-queries.ts';
import { useEventsProject } from './support/events-project.ts';

const HEADER = [
  '/* ---',
  'contract: { enforced: true }',
  'columns:',
  '  - { name: id, data_type: bigint, constraints: [{ type: not_null }] }',
  '  - { name: amount, data_type: double }',
  '  - { name: day, data_type: date }',
  '--- */',
].join('\n');

describe("engine: dbt's enforced model contracts (real CLI, real server)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,,2024-01-02 10:00:00\n');
  const head = async (branch: string) =>
    (await new ManagementClient({ server: p.server.url }).getReference(branch)).hash;
  const violation = async (branch: string) => {
    const before = await head(branch);
    const r = await p.rat('run', '--branch', branch, '--json');
    assert.equal(r.code, 1, r.out);
    const { error } = JSON.parse(r.stdout);
    assert.equal(error.code, 'CONTRACT_VIOLATION', r.out);
    assert.equal(await head(branch), before, 'a broken contract leaves the branch as it was');
    return error as { message: string; data: { model: string; mismatches: unknown[]; nullColumns: string[] } };
  };

  it('writes a result that keeps its contract (types as written in any spelling DuckDB knows)', async () => {
    p.write(
      'silver/daily.sql',
      `${HEADER}\nSELECT id, amount, CAST(ts AS DATE) AS day FROM {{ ref('bronze.events') }}\n`,
    );
    const r = await p.rat('run', '--branch', 'c');
    assert.equal(r.code, 0, r.out);
    assert.equal(Number((await queryBranch(p.server, 'c', 'SELECT count(*) AS n FROM silver.daily'))[0]!.n), 2);
  });

  it('refuses a result with another type, a missing or an extra column before writing anything', async () => {
    p.write(
      'silver/daily.sql',
      `${HEADER}\nSELECT CAST(id AS INTEGER) AS id, ts AS day, 'x' AS note FROM {{ ref('bronze.events') }}\n`,
    );
    const error = await violation('c');
    assert.equal(error.data.model, 'silver.daily');
    assert.deepEqual(error.data.mismatches, [
      { column: 'id', declared: 'BIGINT', actual: 'INTEGER' },
      { column: 'amount', declared: 'DOUBLE' },
      { column: 'day', declared: 'DATE', actual: 'TIMESTAMP' },
      { column: 'note', actual: 'VARCHAR' },
    ]);
    assert.match(error.message, /id: declared BIGINT, INTEGER in the result/);
    assert.match(error.message, /note: not declared, VARCHAR in the result/);
  });

  it('refuses nulls in a not_null column, checked on the written files before the commit', async () => {
    p.write(
      'silver/daily.sql',
      HEADER.replace(
        'name: amount, data_type: double',
        'name: amount, data_type: double, constraints: [{ type: not_null }]',
      ) + `\nSELECT id, amount, CAST(ts AS DATE) AS day FROM {{ ref('bronze.events') }}\n`,
    );
    const error = await violation('c');
    assert.deepEqual(error.data.nullColumns, ['amount']);
    assert.match(error.message, /amount: not_null, 1 null value\(s\) in the result/);
    rmSync(path.join(p.dir, 'silver', 'daily.sql'));
  });

  it('takes the contract from a property file; an unknown data_type is PIPELINE_INVALID', async () => {
    p.write('silver/totals.sql', "SELECT id, coalesce(amount, 0) AS amount FROM {{ ref('bronze.events') }}\n");
    const schema = (type: string) =>
      [
        'models:',
        '  - name: totals',
        '    config:',
        '      contract: { enforced: true }',
        '    columns:',
        '      - name: id',
        `        data_type: ${type}`,
        '        constraints: [{ type: primary_key }]',
        '      - name: amount',
        '        data_type: double precision',
        '',
      ].join('\n');
    p.write('silver/schema.yml', schema('int8'));
    const ok = await p.rat('run', '--branch', 'p');
    assert.equal(ok.code, 0, ok.out);
    p.write('silver/schema.yml', schema('integer'));
    const error = await violation('p');
    assert.deepEqual(error.data.mismatches, [{ column: 'id', declared: 'INTEGER', actual: 'BIGINT' }]);
    p.write('silver/schema.yml', schema('not_a_type'));
    const bad = await p.rat('run', '--branch', 'p', '--json');
    assert.equal(bad.code, 1, bad.out);
    const { error: invalid } = JSON.parse(bad.stdout);
    assert.equal(invalid.code, 'PIPELINE_INVALID', bad.out);
    assert.match(invalid.message, /data_type of id, not_a_type, is not a type/);
  });
});
