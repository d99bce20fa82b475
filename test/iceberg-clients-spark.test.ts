import assert from 'node:assert/strict';
import { useClientSession } from './support/clients/index.ts';

/**
 * Spark 4.1 SQL with the Iceberg 1.11 runtime against a fresh server, all in one JVM
 * (test/clients/spark_suite.py); each `it` checks recorded steps.
 */
describe('Iceberg REST with Spark SQL (real client)', function () {
  const session = useClientSession('spark_suite.py', { spark: true });
  const step = session.step;
  const raised = (name: string) => step<{ raised: string }>(name).raised;

  it('starts with the documented snippet and creates nested namespaces', () => {
    step('start Spark with the documented snippet');
    const v = step('CREATE NAMESPACE (nested), SHOW NAMESPACES');
    assert.ok(v.namespaces.includes('sp'));
    assert.deepEqual(
      v.nested.map((n: Record<string, string>) => Object.values(n)[0]),
      ['sp.nested'],
    );
  });

  it('CREATE TABLE ... PARTITIONED BY and INSERT', () => {
    assert.deepEqual(
      step('CREATE TABLE ... PARTITIONED BY').tables.map((t: { tableName: string }) => t.tableName),
      ['events'],
    );
    assert.deepEqual(step('INSERT INTO').ids, [1, 2, 3, 4]);
    const s = step('metadata table .snapshots');
    assert.equal(s.count, 2);
    assert.deepEqual(s.operations, ['append', 'append']);
  });

  it('UPDATE, DELETE and MERGE INTO', () => {
    assert.deepEqual(step('UPDATE'), [{ id: 1, amount: 10 }]);
    assert.deepEqual(step('DELETE FROM').ids, [1, 3, 4]);
    assert.deepEqual(step('MERGE INTO').rows, [
      { id: 1, amount: 10 },
      { id: 3, amount: 30 },
      { id: 4, amount: 4 },
      { id: 5, amount: 5 },
    ]);
  });

  it('ALTER TABLE: columns, properties, partition evolution, write order', () => {
    const v = step('ALTER TABLE (columns, properties, partition fields, write order)');
    for (const c of ['id', 'category', 'ts', 'value', 'note']) assert.ok(v.columns.includes(c), c);
    assert.ok(!v.columns.includes('amount'));
    assert.equal(v.team, 'spark-suite');
    assert.deepEqual(v.ids, [1, 3, 4, 5, 6]);
    assert.equal(v.note6, 'after alter');
  });

  it('metadata tables .files .history .snapshots and friends', () => {
    const v = step('metadata tables .files .history .snapshots .manifests .partitions .refs');
    assert.ok(v.files >= 4);
    assert.ok(v.history >= 6, `history has every snapshot, got ${v.history}`);
    assert.ok(v.snapshots >= 6);
    assert.ok(v.manifests >= 1);
    assert.ok(v.partitions >= 1);
    assert.deepEqual(v.refs, ['main']);
  });

  it('VERSION AS OF', () => {
    const v = step('VERSION AS OF');
    assert.deepEqual(v.first, [1, 2, 3]);
    assert.deepEqual(v.second, [1, 2, 3, 4]);
  });

  it('table-level tags and branches', () => {
    const v = step('table-level CREATE TAG / CREATE BRANCH, write to branch');
    assert.deepEqual(v.tag, [1, 2, 3, 4]);
    assert.deepEqual(v.audit, [1, 3, 4, 5, 6, 77]);
    assert.deepEqual(v.main, [1, 3, 4, 5, 6]);
    assert.deepEqual(v.refs, ['audit', 'main', 'v1']);
  });

  it('CTAS and RTAS (staged create + assert-create commit, replace)', () => {
    const v = step('CTAS and CREATE OR REPLACE TABLE AS SELECT');
    assert.equal(v.ctas.length, 4); // categories a, c, e, f
    assert.deepEqual(v.rtas, [1, 3]);
  });

  it('views', () => {
    const v = step('views: CREATE, CREATE OR REPLACE, SHOW, RENAME, DROP');
    assert.deepEqual(v.first, [5, 6]);
    assert.deepEqual(v.replaced, [6]);
    assert.deepEqual(v.shown, ['big']);
    assert.deepEqual(v.renamed, [6]);
    assert.deepEqual(v.afterDrop, []);
  });

  it('CALL system.rewrite_data_files; expire_snapshots and remove_orphan_files refused (gc.enabled=false)', () => {
    const rw = step('CALL system.rewrite_data_files');
    assert.ok(rw.result[0].rewritten_data_files_count >= rw.before, JSON.stringify(rw.result));
    assert.equal(rw.lastOperation, 'replace');
    assert.deepEqual(rw.ids, [1, 3, 4, 5, 6, 8]);
    const ex = step('CALL system.expire_snapshots');
    assert.match(ex.refused ?? '', /GC is disabled/, 'Spark must not delete files other refs may read');
    assert.match(ex.orphansRefused ?? '', /GC is disabled/);
    assert.equal(ex.after, ex.before, 'nothing expired');
    assert.deepEqual(ex.ids, [1, 3, 4, 5, 6, 8]);
  });

  it('upgrades the format version and records table statistics', () => {
    const v = step('format-version upgrade 2 -> 3, compute_table_stats (set-statistics)');
    assert.deepEqual(v.ids, [1, 2, 3]);
    assert.equal(v.formatVersion, 3);
    assert.equal(v.statistics, 1);
  });

  it('RENAME TO across namespaces, DROP TABLE PURGE refused (files are the catalog’s to delete), DROP TABLE', () => {
    const rn = step('ALTER TABLE RENAME TO (across namespaces)');
    assert.deepEqual(rn.ids, [1, 3]);
    assert.ok(!rn.inSp.includes('summary'));
    const purge = step('DROP TABLE PURGE');
    assert.match(purge.refused ?? '', /GC is disabled/);
    assert.deepEqual(purge.before, ['summary2']);
    assert.deepEqual(purge.tables, []);
    assert.deepEqual(step('DROP TABLE'), ['events', 'upgraded']);
  });

  it('errors surface as the Spark error classes users expect', () => {
    assert.equal(raised('SELECT from a missing table fails with TABLE_OR_VIEW_NOT_FOUND'), 'TABLE_OR_VIEW_NOT_FOUND');
    assert.equal(
      raised('metadata table of a missing table fails with TABLE_OR_VIEW_NOT_FOUND'),
      'TABLE_OR_VIEW_NOT_FOUND',
    );
    assert.ok(raised('DROP NAMESPACE with tables fails'));
    step('stop Spark');
  });
  it('no request of the client session was answered with a 5xx', () => {
    session.assertNoServerErrors();
  });
});
