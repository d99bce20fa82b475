import assert from 'node:assert/strict';
import { useClientSession } from './support/clients/index.ts';

/**
 * Spark 4.1 with Iceberg's own NessieCatalog (`catalog-impl=org.apache.iceberg.nessie.NessieCatalog`, the Nessie
 * REST API v2 at `/api/v2`) against a fresh server (test/clients/nessie_catalog_suite.py): a team moving from Nessie
 * keeps its Spark settings and changes the URI, and what it writes is the same table through the Iceberg REST catalog.
 */
describe("Iceberg's NessieCatalog in Spark against /api/v2 (real client)", function () {
  const session = useClientSession('nessie_catalog_suite.py', { spark: true });
  const step = session.step;

  it('creates a namespace and a table and appends, through the Nessie API', () => {
    step('start Spark with NessieCatalog on /api/v2');
    const v = step('CREATE NAMESPACE, CREATE TABLE, INSERT through NessieCatalog');
    assert.deepEqual(v.tables, ['orders']);
    assert.deepEqual(v.ids, [1, 2, 3]);
    assert.equal(v.snapshots, 2);
  });

  it('is the same table through the Iceberg REST catalog, and its commits are in the log', () => {
    const rest = step('the same table read through the Iceberg REST catalog');
    assert.deepEqual(rest.ids, [1, 2, 3]);
    // NessieCatalog marks its tables as the REST catalog does: no client deletes files other branches may read.
    assert.equal(rest.gcEnabled, 'false');
    assert.notEqual(rest.deleteAfterCommit, 'true', 'no client deletes metadata files other branches may name');
    assert.ok(step("NessieCatalog's commits in the log").messages.length >= 3);
  });

  it('writes a branch with table@ref and merges it into main through the management API', () => {
    assert.deepEqual(step('a branch written through NessieCatalog and merged into main'), {
      dev: [1, 2, 3, 4],
      mainBefore: [1, 2, 3],
      merged: true,
      mainAfter: [1, 2, 3, 4],
    });
  });

  it('sees a write made through the Iceberg REST catalog, and drops the table', () => {
    assert.deepEqual(step('a write through the Iceberg REST catalog, read through NessieCatalog').ids, [1, 2, 3, 4, 5]);
    const d = step('DROP TABLE through NessieCatalog');
    assert.equal(d.restStatus, 404);
    assert.deepEqual(d.tables, []);
  });
});
