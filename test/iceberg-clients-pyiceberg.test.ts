import assert from 'node:assert/strict';
import { useClientSession } from './support/clients/index.ts';

/**
 * PyIceberg 0.12 (pinned in test/clients/requirements.txt) against a fresh server: the whole scenario runs in one
 * Python process (test/clients/pyiceberg_suite.py); each `it` checks one recorded step.
 */
describe('Iceberg REST with PyIceberg (real client)', function () {
  const session = useClientSession('pyiceberg_suite.py');
  const step = session.step;

  it('connects with the documented snippet', () => {
    assert.ok(Array.isArray(step('connect via documented snippet')));
  });

  it('namespaces: nested create, properties, list by parent, exists, drop', () => {
    const v = step('namespaces: create nested, properties, list by parent, exists, drop');
    assert.equal(v.props.owner, 'pyiceberg');
    assert.deepEqual(v.updated, ['team']);
    assert.deepEqual(v.removed, ['owner']);
    assert.equal(v.after.team, 'data');
    assert.equal(v.after.owner, undefined);
    assert.deepEqual(v.children, [['pyi', 'sub']]);
    assert.ok(v.top.some((n: string[]) => n.join('.') === 'pyi'));
    assert.ok(!v.top.some((n: string[]) => n.join('.') === 'pyi.sub'), 'top level lists only direct children');
    assert.equal(v.subExists, true);
    assert.equal(v.droppedGone, true);
  });

  it('maps errors to the exceptions PyIceberg raises', () => {
    assert.equal(session.raised('create table in missing namespace -> NoSuchNamespaceError'), 'NoSuchNamespaceError');
    assert.equal(session.raised('load table in missing namespace -> NoSuchTableError'), 'NoSuchTableError');
    assert.equal(session.raised('load missing table -> NoSuchTableError'), 'NoSuchTableError');
    assert.equal(session.raised('create existing table -> TableAlreadyExistsError'), 'TableAlreadyExistsError');
    assert.equal(session.raised('drop non-empty namespace -> NamespaceNotEmptyError'), 'NamespaceNotEmptyError');
    assert.equal(session.raised('drop missing namespace -> NoSuchNamespaceError'), 'NoSuchNamespaceError');
  });

  it('creates tables, partitioned and not, with a server-chosen location', () => {
    const plain = step('create unpartitioned table');
    assert.match(plain.location, /^file:\/\//);
    assert.equal(plain.specFields, 0);
    assert.equal(plain.props, 'pyiceberg-suite');
    assert.deepEqual(step('create partitioned table (day + identity)').specFields, ['ts_day', 'category']);
    assert.deepEqual(step('list tables'), ['pyi.parted', 'pyi.plain']);
  });

  it('appends', () => {
    const plain = step('append (unpartitioned), reload sees rows');
    assert.deepEqual(plain.ids, [1, 2, 3, 4]);
    assert.equal(plain.snapshots, 2);
    const parted = step('append (partitioned), one file per partition');
    assert.deepEqual(parted.ids, [1, 2, 3, 4]);
    assert.equal(parted.dataFiles, 4); // (day1,a) (day1,b) (day2,a) (day3,b)
  });

  it('overwrites, deletes and upserts', () => {
    const ow = step('overwrite with filter');
    assert.deepEqual(ow.ids, [2, 4, 10]);
    assert.deepEqual(step('delete with filter').ids, [4, 10]);
    const up = step('upsert');
    assert.equal(up.updated, 1);
    assert.equal(up.inserted, 1);
    assert.deepEqual(up.ids, [1, 2, 3, 4, 5]);
    assert.equal(up.amount1, 100);
  });

  it('evolves the schema and reads old and new rows', () => {
    const v = step('schema evolution (add + rename column), write and read');
    assert.deepEqual(v.columns, ['id', 'category', 'ts', 'value', 'note']);
    assert.equal(v.schemaId, 1);
    assert.equal(v.schemas, 2);
    assert.equal(v.note6, 'evolved');
    assert.equal(v.note1, null);
  });

  it('evolves the partition spec', () => {
    const v = step('partition evolution (add bucket, drop day), write and read');
    assert.equal(v.specId, 1);
    assert.equal(v.specs, 2);
    assert.ok(v.fields.includes('id_bucket'));
    assert.deepEqual(v.ids, [4, 10, 20]);
  });

  it('scans with filters and travels in time by snapshot id', () => {
    const s = step('scan with row filter and projection');
    assert.deepEqual(s.ids, [3, 4, 5, 6]);
    assert.deepEqual(s.columns, ['id', 'category']);
    const tt = step('time travel by snapshot id (full history loaded)');
    assert.deepEqual(tt.first, [1, 2, 3]);
    assert.deepEqual(tt.second, [1, 2, 3, 4]);
    assert.ok(tt.snapshots >= 5, `all snapshots are loaded, got ${tt.snapshots}`);
  });

  it('manages table-level branches and tags', () => {
    const v = step('table-level tag and branch: create, write to branch, read, remove');
    assert.deepEqual(v.refs, { main: 'branch', v1: 'tag', audit: 'branch' });
    assert.deepEqual(v.tagIds, [1, 2, 3]);
    assert.deepEqual(
      v.auditIds,
      [...v.mainIdsBefore, 99].sort((a: number, b: number) => a - b),
    );
    assert.deepEqual(v.mainIdsAfter, v.mainIdsBefore, 'writing to the table branch leaves main alone');
    assert.deepEqual(v.refsAfterRemove, ['audit', 'main']);
  });

  it('concurrent commits from two loaded copies: one wins, the other gets CommitFailedException, nothing lost', () => {
    const v = step('concurrent append from two loaded copies (no retries): one CommitFailedException, nothing lost');
    assert.equal(v.raised, 'CommitFailedException');
    assert.deepEqual(v.afterConflict, [1, 2]);
    assert.deepEqual(v.final, [1, 2, 3]);
    const s = step('concurrent schema change from a stale copy -> CommitFailedException');
    assert.equal(s.raised, 'CommitFailedException');
    assert.ok(s.columns.includes('from_a'));
    assert.ok(!s.columns.includes('from_b'));
    assert.deepEqual(s.ids, [1, 2, 3]);
    const retry = step("concurrent appends with PyIceberg's own retry: both land");
    assert.deepEqual(
      retry.after,
      [...retry.before, 30, 31].sort((a: number, b: number) => a - b),
    );
  });

  it('a stale copy whose requirements still hold commits without a 409', () => {
    assert.deepEqual(step('stale copy whose requirements still hold: commit lands'), { fromA: '1', fromB: '1' });
  });

  it('/iceberg alone serves main', () => {
    const v = step('/iceberg alone is main');
    assert.deepEqual(v.root, v.main);
    assert.ok(v.root.includes('pyi'));
  });

  it('renames across namespaces', () => {
    const v = step('rename table across namespaces');
    assert.equal(v.oldGone, true);
    assert.deepEqual(v.ids, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(v.inSub, ['pyi.sub.renamed']);
  });

  it('writes gzip metadata files for a table that asks, which PyIceberg reads from storage and registers', () => {
    assert.deepEqual(step('gzip metadata files: written, read from storage, registered'), {
      suffix: true,
      gzip: true,
      fromFile: [1, 2],
      registered: [1, 2],
    });
  });

  it('drops a table and registers it again from its metadata file', () => {
    const v = step('drop table (no purge), register it again from its metadata file');
    assert.equal(v.droppedGone, true);
    assert.deepEqual(v.ids, v.expected);
    assert.equal(v.metadataLocation, true);
    assert.equal(
      session.raised('register over an existing table -> TableAlreadyExistsError'),
      'TableAlreadyExistsError',
    );
  });

  it('drops with purge', () => {
    assert.equal(step('drop with purge').gone, true);
  });
  it('no request of the client session was answered with a 5xx', () => {
    session.assertNoServerErrors();
  });
});
