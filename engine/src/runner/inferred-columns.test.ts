import assert from 'node:assert/strict';
import { loadProject } from '../pipeline/loader.ts';
import { useProjectFolder } from '../testing/project-folder.ts';
import { inferringColumns } from './inferred-columns.ts';

describe("engine: the columns a project's tables will have, for unit tests before a build", function () {
  this.timeout(30_000);
  const folder = useProjectFolder({
    'bronze/orders.yml':
      'source:\n  path: landing/*.csv\ncolumns:\n  amount: DECIMAL(10,2)\n  ts: TIMESTAMP\nrename: { cust: customer_id }\n',
    'landing/a.csv': 'id,cust,amount,ts\n1,7,2.50,2024-01-01 10:00:00\n',
    'seeds/regions.csv': 'code,name\nEU,Europe\n',
    'silver/orders.sql':
      "SELECT o.id, o.customer_id, o.amount * 2 AS doubled, r.name AS region FROM {{ ref('bronze.orders') }} AS o, {{ ref('regions') }} AS r\n",
    'gold/by_region.sql': "SELECT region, sum(doubled) AS total FROM {{ ref('silver.orders') }} GROUP BY region\n",
    'gold/external.sql': 'SELECT * FROM lake.events\n',
  });
  const types = (cols: { name: string; type: string }[] | undefined) => cols?.map((c) => `${c.name} ${c.type}`);

  it("reads a source's landing file and a seed as ingest does, and a model's SELECT over its inputs' columns", async () => {
    const project = loadProject(folder.dir);
    const inferred = inferringColumns(project, async () => undefined);
    try {
      assert.deepEqual(types(await inferred.columnsOf('bronze.orders')), [
        'id BIGINT',
        'customer_id BIGINT',
        'amount DECIMAL(10,2)',
        'ts TIMESTAMP',
        '_source_file VARCHAR',
        '_ingested_at TIMESTAMP',
        '_run_id VARCHAR',
      ]);
      assert.deepEqual(types(await inferred.columnsOf('silver.orders')), [
        'id BIGINT',
        'customer_id BIGINT',
        'doubled DECIMAL(18,2)',
        'region VARCHAR',
      ]);
      assert.deepEqual(types(await inferred.columnsOf('gold.by_region')), ['region VARCHAR', 'total DECIMAL(38,2)']);
      // A table written outside the project says nothing; neither does a model reading one.
      assert.equal(await inferred.columnsOf('lake.events'), undefined);
      assert.equal(await inferred.columnsOf('gold.external'), undefined);
    } finally {
      await inferred.close();
    }
  });

  it("takes the branch's table where it has one", async () => {
    const project = loadProject(folder.dir);
    const onBranch = async (t: string) => (t === 'bronze.orders' ? [{ name: 'id', type: 'INTEGER' }] : undefined);
    const inferred = inferringColumns(project, onBranch);
    try {
      assert.deepEqual(types(await inferred.columnsOf('bronze.orders')), ['id INTEGER']);
      // silver.orders reads columns the branch's bronze.orders lacks: its SELECT fails, and says nothing.
      assert.equal(await inferred.columnsOf('silver.orders'), undefined);
    } finally {
      await inferred.close();
    }
  });
});
