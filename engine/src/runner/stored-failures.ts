import type { IcebergRestClient } from '@ratatouille/catalog-client';
import { PROVENANCE } from '@ratatouille/iceberg/lockstep';
import { writeTable } from '../iceberg/writer.ts';
import type { DataTest, TestedTable } from '../pipeline/model.ts';
import { failureStore, failuresTable, type StoreDefaults } from '../pipeline/stored-failures.ts';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { tableIdent } from './tables.ts';

/**
 * Stores a test's failing rows where its settings say (see `failuresTable`), given the SELECT of its failures and
 * what its test block's `config()` set; returns the table, or undefined when the test stores none.
 */
export type StoreFailures = (
  model: TestedTable,
  t: DataTest,
  failures: string,
  configured: Readonly<Record<string, unknown>>,
) => Promise<string | undefined>;

/**
 * {@link StoreFailures} writing to the branch of `catalog` (asked for at the first test that stores, so that a branch
 * is made for them only when needed) through the run's DuckDB: the table replaced by the test's
 * failing rows (all of them, not the sample a report shows), its snapshot saying which model's tests wrote it and
 * what they read (so that a merge with rebuild settles a conflict on it by running the model's tests again). Rows the
 * table already holds are not written again (the writer keeps a replaced table whose content stays the same): a run
 * whose tests find what they found before changes nothing.
 *
 * @example const store = failureStorer(sql, async () => catalog, { defaults: project.testDefaults, reads: testTargets })
 */
export function failureStorer(
  sql: SqlRunner,
  catalog: () => Promise<IcebergRestClient>,
  o: { defaults?: StoreDefaults; properties?: Record<string, string>; reads: (m: TestedTable) => string[] },
): StoreFailures {
  return async (model, t, failures, configured) => {
    // A test block's own `config(store_failures=true)` is beneath the property file's settings, as in dbt.
    const fromBlock = failureStore(configured, (why) => {
      throw new Error(`config(): ${why}`);
    });
    const test = { ...t, stored: { ...fromBlock, ...t.stored } };
    const id = failuresTable(model, test, o.defaults);
    if (!id) return undefined;
    await writeTable(sql, await catalog(), tableIdent(id), `SELECT * FROM (${failures}\n)`, {
      mode: 'overwrite',
      onSchemaChange: 'replace',
      properties: {
        ...o.properties,
        [PROVENANCE.model]: model.id,
        [PROVENANCE.modelFile]: model.file,
        [PROVENANCE.inputs]: [...new Set([model.id, ...o.reads(model)])].sort().join(','),
      },
    });
    return id;
  };
}
