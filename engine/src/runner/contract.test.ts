import assert from 'node:assert/strict';
import { contractMismatches } from './contract.ts';
import { columnDeclarations, modelContract } from '../pipeline/model-config.ts';
import { nullCounts } from '../iceberg/not-null.ts';
import type { StatsRow } from '../iceberg/data-files.ts';
import type { SqlRunner } from '../sql/sql-runner.ts';

describe("engine: dbt's model contracts", () => {
  it('compares declared and actual columns by name, whatever their order', () => {
    assert.deepEqual(
      contractMismatches(
        [
          { name: 'id', type: 'BIGINT' },
          { name: 'gone', type: 'DATE' },
        ],
        [
          { name: 'extra', type: 'VARCHAR' },
          { name: 'id', type: 'BIGINT' },
        ],
      ),
      [
        { column: 'gone', declared: 'DATE' },
        { column: 'extra', actual: 'VARCHAR' },
      ],
    );
    assert.deepEqual(contractMismatches([{ name: 'a', type: 'INTEGER' }], [{ name: 'a', type: 'INTEGER' }]), []);
  });

  it('reads declarations: data_type, not_null (and primary_key) constraints; the first declaration of a name wins', () => {
    const declared = columnDeclarations(
      [
        { name: 'id', data_type: 'bigint', constraints: [{ type: 'primary_key' }] },
        { name: 'note', description: 'text' },
        { name: 'n', data_type: 'int', constraints: [{ type: 'check', expression: 'n > 0' }] },
      ],
      'f.sql',
      1,
    );
    assert.deepEqual(declared, [
      { name: 'id', dataType: 'bigint', notNull: true },
      { name: 'note', notNull: false },
      { name: 'n', dataType: 'int', notNull: false },
    ]);
    assert.throws(
      () => modelContract({ enforced: true }, 'table', declared, 'f.sql', 3),
      /column note needs a data_type/,
    );
    const contract = modelContract(
      { enforced: true },
      'incremental',
      [declared[0]!, { name: 'id', dataType: 'int', notNull: false }],
      'f.sql',
      3,
    );
    assert.deepEqual(contract, { columns: [{ name: 'id', dataType: 'bigint', notNull: true }] });
    assert.equal(modelContract({ enforced: false }, 'table', declared, 'f.sql', 3), undefined);
    assert.equal(modelContract(undefined, 'table', declared, 'f.sql', 3), undefined);
    assert.throws(() => modelContract({ enforced: true }, 'scd2', declared, 'f.sql', 3), /take no contract/);
    assert.throws(() => modelContract({ enforced: true }, 'table', [], 'f.sql', 3), /f\.sql:3: contract: an enforced/);
    assert.throws(() => modelContract(true, 'table', declared, 'f.sql', 3), /must be \{ enforced/);
    assert.throws(
      () => columnDeclarations([{ name: 'a', constraints: [{ type: 'nope' }] }], 'f', 1),
      /a constraint is/,
    );
  });

  it("counts nulls from COPY's statistics, and reads the files only for a column they do not cover", async () => {
    const row = (filename: string, count: number, nulls: Record<string, string | undefined>): StatsRow => ({
      filename,
      count: String(count),
      file_size_bytes: '1',
      partition_keys: null,
      column_statistics: Object.entries(nulls).map(([key, n]) => ({
        key: `"${key}"`,
        value: n === undefined ? [] : [{ key: 'null_count', value: n }],
      })),
    });
    const queries: string[] = [];
    const sql = {
      query: async (q: string) => {
        queries.push(q);
        return [{ b: 4 }];
      },
    } as unknown as SqlRunner;
    const stats = [row('/a.parquet', 3, { a: '1', b: undefined }), row('/b.parquet', 2, { a: '2', b: '0' })];
    assert.deepEqual([...(await nullCounts(sql, stats, ['a'])).entries()], [['a', 3]]);
    assert.deepEqual(queries, []);
    assert.deepEqual(
      [...(await nullCounts(sql, stats, ['a', 'b'])).entries()],
      [
        ['a', 3],
        ['b', 4],
      ],
    );
    assert.match(
      queries[0]!,
      /count\(\*\) FILTER \(WHERE "b" IS NULL\) AS "b" FROM read_parquet\(\['\/a\.parquet', '\/b\.parquet'\]\)/,
    );
  });
});
