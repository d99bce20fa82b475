import assert from 'node:assert/strict';
import { useClientSession } from './support/clients/index.ts';
import { runRat } from './support/rat-cli.ts';

/**
 * Content-aware merge of tables both branches changed (same table on both sides): PyIceberg and Spark write on
 * branches, the management API merges them into main, PyIceberg, Spark and DuckDB read main back.
 */
describe('merging Iceberg tables that both branches changed', function () {
  const session = useClientSession('merge_suite.py', { spark: true });
  const step = session.step;

  it('replays appends from two branches onto main: every row, every snapshot, one history', () => {
    step('setup on main, branches a to w');
    step('start Spark (catalogs rat=main, k, l, m, n, q, r)');
    const w = step('PyIceberg appends on a and b to the same tables');
    assert.deepEqual(
      [w.a, w.b],
      [
        [1, 2],
        [1, 3, 4],
      ],
    );
    const m = step('merge a, dry-run b, merge b');
    assert.equal(m.a.status, 200);
    assert.equal(m.a.outcomes['mg.events'].outcome, 'TAKEN');
    assert.equal(m.b.status, 200, JSON.stringify(m.b));
    const events = m.b.outcomes['mg.events'];
    assert.equal(events.outcome, 'RESOLVED');
    assert.deepEqual(events.resolution.stats, { snapshots: 2, addedFiles: 2, addedRows: 2, removedFiles: 0 });
    assert.match(events.resolution.summary, /^replayed 2 snapshots, \+2 files, \+2 rows/);
    assert.equal(m.b.outcomes['mg.merged_appends'].outcome, 'RESOLVED');
    assert.equal(m.b.outcomes['mg.pmerged'].outcome, 'RESOLVED');
    const main = step('main has every row and every snapshot (PyIceberg)');
    assert.deepEqual(main.events, [1, 2, 3, 4]);
    assert.deepEqual(main.eventsSnapshots, ['append', 'append', 'append', 'append']);
    assert.equal(main.eventsSnapshotIds[1], w.aSnapshot, "a's snapshot keeps its id on main");
    assert.deepEqual(main.sequenceNumbers, [1, 2, 3, 4]);
    assert.equal(main.parentsChain, true);
    assert.equal(main.totalRecords, '4');
    assert.deepEqual(main.mergedAppends, [1, 10, 11, 12, 13]);
    assert.equal(main.mergedAppendsSnapshots, 5);
    assert.equal(m.b.outcomes['mg.v1'].outcome, 'RESOLVED');
    assert.deepEqual([main.v1, main.v1Format, main.v1Snapshots], [[1, 2, 3], 1, 3]);
  });

  it('a dry run reports the replay and leaves main where it was', () => {
    const m = step('merge a, dry-run b, merge b');
    assert.equal(m.dry.status, 200);
    assert.equal(m.dry.mainUnchanged, true);
    assert.equal(m.dry.outcomes['mg.events'].outcome, 'RESOLVED');
  });

  it('a schema change on one branch merges with appends on the other, in both orders', () => {
    const main = step('main has every row and every snapshot (PyIceberg)');
    assert.deepEqual(main.evolveColumns, ['id', 'who', 'note']);
    assert.deepEqual(main.evolve, [
      [1, null],
      [2, 'from a'],
      [3, null],
    ]);
    const s = step('a schema change on the source merges onto appends on the target');
    assert.equal(s.d, 200);
    assert.equal(s.c.status, 200, JSON.stringify(s.c));
    assert.equal(s.c.outcome.outcome, 'RESOLVED');
    assert.match(s.c.outcome.resolution.summary, /from the source: schema/);
    assert.deepEqual(s.columns, ['id', 'who', 'note']);
    assert.deepEqual(s.rows, [
      [1, null],
      [2, 'from c'],
      [3, null],
    ]);
  });

  it('writers keep appending to a merged table', () => {
    const after = step('PyIceberg appends to the merged tables on main');
    assert.deepEqual(after.events, [1, 2, 3, 4, 5]);
    assert.deepEqual(after.evolve, [1, 2, 3, 4]);
  });

  it('overwrites on both sides conflict with a reason and change nothing', () => {
    const o = step('overwrites on both sides conflict and change nothing');
    assert.equal(o.e, 200);
    assert.equal(o.f.status, 409);
    assert.equal(o.f.errorCode, 'REFERENCE_CONFLICT');
    assert.equal(o.asResult.wasSuccessful, false);
    const c = o.asResult.outcomes['mg.rewritten'];
    assert.equal(c.outcome, 'CONFLICT');
    assert.equal(c.conflict.conflictType, 'VALUE_DIFFERS');
    assert.equal(o.mainUnchanged, true);
    assert.deepEqual(o.rows, [20]);
  });

  it('a delete of one day and an insert into another day merge in both orders', () => {
    const d = step('a delete of one day and an insert into another merge, in both orders');
    assert.equal(d.h, 200);
    assert.equal(d.g.status, 200, JSON.stringify(d.g));
    assert.equal(d.g.outcomes['mg.days1'].outcome, 'RESOLVED');
    assert.match(d.g.outcomes['mg.days1'].resolution.summary, /-1 file/);
    assert.equal(d.g.outcomes['mg.days2'].outcome, 'RESOLVED');
    const sequential = [
      [3, 2],
      [4, 3],
    ];
    assert.deepEqual(d.days1, sequential);
    assert.deepEqual(d.days2, sequential);
    assert.deepEqual(d.days1Operations, ['append', 'append', 'delete']);
  });

  it('a delete and an insert into the same day conflict, naming the table, snapshot and file', () => {
    const d = step('a delete and an insert into the same day conflict; nothing is left behind');
    assert.equal(d.j, 200);
    assert.equal(d.i.wasSuccessful, false);
    const c = d.i.outcomes['mg.days3'];
    assert.equal(c.outcome, 'CONFLICT');
    assert.match(c.conflict.message, /mg\.days3.*snapshot \d+ \(delete\).*added data files in day=1/);
    assert.deepEqual(c.conflict.kinds, ['row-level-change-over-new-data']);
    assert.equal(d.i.outcomes['mg.cleanup'].outcome, 'RESOLVED', 'the other table alone would merge');
    assert.equal(d.i.mainUnchanged, true);
    assert.equal(d.cleanupFilesWritten, 0, 'the files written for the refused merge are removed');
    assert.deepEqual(d.days3, [
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 1],
    ]);
  });

  it('Spark DELETE of one day (copy-on-write and merge-on-read) and INSERT into another day merge', () => {
    const d = step('Spark DELETE of one day and INSERT into another merge');
    assert.equal(d.l, 200);
    assert.equal(d.k.status, 200, JSON.stringify(d.k));
    assert.equal(d.k.outcomes['mg.sdays'].outcome, 'RESOLVED');
    assert.equal(d.k.outcomes['mg.smor'].outcome, 'RESOLVED');
    assert.equal(d.k.outcomes['mg.sdays2'].outcome, 'RESOLVED');
    assert.deepEqual(d.sdays, [
      [3, 2],
      [4, 3],
    ]);
    assert.deepEqual(d.sdays2, d.sdays, 'both orders give what one sequential history gives');
    const mor = [
      [2, 1],
      [3, 2],
      [4, 3],
    ];
    assert.deepEqual(d.smor, mor);
    assert.deepEqual(d.smorPy, mor);
    assert.ok(d.smorDeleteFiles >= 1, 'the merge-on-read delete file came along');
  });

  it('Spark MERGE INTO the same rows on both branches conflicts, naming table, snapshot and files', () => {
    const m = step('Spark MERGE INTO the same rows on both branches conflicts');
    assert.equal(m.n, 200);
    assert.equal(m.m.wasSuccessful, false);
    const c = m.m.outcomes['mg.smerge'];
    assert.equal(c.outcome, 'CONFLICT');
    assert.match(c.conflict.message, /mg\.smerge.*snapshot \d+ \(overwrite\).*\.parquet/);
    assert.equal(m.m.mainUnchanged, true);
    assert.deepEqual(m.rows, [
      [1, 'n'],
      [2, 'main'],
      [3, 'main'],
    ]);
  });

  it('Spark DELETE of one row and INSERT of other rows into the same day merge; overlapping rows conflict', () => {
    const d = step('Spark DELETE of one row and INSERT of other rows into the same day');
    assert.equal(d.r, 200);
    assert.equal(d.q.wasSuccessful, false);
    assert.equal(d.q.mainUnchanged, true);
    assert.equal(d.q.outcomes['mg.sbounds'].outcome, 'RESOLVED', 'copy-on-write delete: bounds tell the files apart');
    assert.equal(d.q.outcomes['mg.sbmor'].outcome, 'RESOLVED', 'merge-on-read delete: judged by its data file');
    const c = d.q.outcomes['mg.sbclash'];
    assert.equal(c.outcome, 'CONFLICT');
    assert.match(c.conflict.message, /mg\.sbclash.*snapshot \d+ \(overwrite\).*added data files in day=1/);
    assert.equal(d.qWithoutClash, 200, 'merged without the conflicting table (DROP keeps main)');
    const sequential = [
      [2, 1],
      [3, 2],
      [100, 1],
      [101, 1],
    ];
    assert.deepEqual(d.sbounds, sequential);
    assert.deepEqual(d.sbmor, sequential);
    assert.deepEqual(d.sboundsDuck, sequential);
    assert.deepEqual(d.sbmorDuck, sequential);
    assert.deepEqual(d.sbclash, [
      [1, 1],
      [1, 1],
      [2, 1],
      [3, 2],
    ]);
  });

  it('manifests the merge wrote carry the partition summaries PyIceberg computes for them', () => {
    const p = step('merged manifests carry the partition summaries PyIceberg computes');
    assert.ok(p.checked >= 5, `checked ${p.checked} manifests`);
    assert.deepEqual(p.differing, []);
    assert.deepEqual(p.pmerged, [1, 2, 3, 4, 5, 6, 7]);
  });

  it('Spark reads the merged tables, including the snapshots of both branches', () => {
    const s = step('Spark reads the merged tables');
    assert.deepEqual(s.events, [[1], [2], [3], [4], [5]]);
    assert.equal(s.eventsSnapshots, 5);
    assert.deepEqual(s.v1, [[1], [2], [3]], 'Spark reads the merged format v1 table');
    assert.deepEqual(s.evolve, [
      [1, null],
      [2, 'from a'],
      [3, null],
      [4, 'after'],
    ]);
    assert.deepEqual(s.days1, [
      [3, 2],
      [4, 3],
    ]);
    assert.deepEqual(s.pmergedDay2, [[2], [5]], 'Spark prunes by the merged manifests and finds every row');
  });

  it('DuckDB reads the merged tables', () => {
    const d = step('DuckDB reads the merged tables on main');
    assert.deepEqual(d.events, [1, 2, 3, 4, 5]);
    assert.deepEqual(d.mergedAppends, [1, 10, 11, 12, 13]);
    assert.deepEqual(d.pmergedDay2, [2, 5]);
    assert.deepEqual(d.evolve, [
      [1, null],
      [2, 'from a'],
      [3, null],
      [4, 'after'],
    ]);
    assert.deepEqual(d.evolve2, [
      [1, null],
      [2, 'from c'],
      [3, null],
    ]);
    assert.deepEqual(d.days1, [
      [3, 2],
      [4, 3],
    ]);
    assert.deepEqual(d.days2, d.days1);
    assert.deepEqual(d.v1, [1, 2, 3], 'DuckDB reads the merged format v1 table');
    assert.deepEqual(d.sdays, d.days1);
    assert.deepEqual(d.sdays2, d.days1);
    assert.deepEqual(d.smor, [
      [2, 1],
      [3, 2],
      [4, 3],
    ]);
  });

  it('format v3 tables merge appends and a delete with row ids of one sequential history', () => {
    const v = step('Spark appends to a format v3 table on two branches');
    assert.equal(v.s.outcome, 'TAKEN');
    assert.equal(v.t['mg.v3rows'].outcome, 'RESOLVED', JSON.stringify(v.t));
    assert.equal(v.t['mg.v3del'].outcome, 'RESOLVED', JSON.stringify(v.t));
    assert.equal(v.formatVersion, 3);
    assert.deepEqual(v.rows, [
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
      [5, 4],
    ]);
    assert.deepEqual(v.firstRowIds, [
      [0, 1],
      [1, 1],
      [2, 2],
      [4, 1],
    ]);
    assert.equal(v.nextRowId, 5);
    assert.deepEqual(
      v.delBefore.map((r: number[]) => r[0]),
      [1, 2, 3],
    );
    assert.deepEqual(v.delAfter, v.delBefore.slice(1), 'the rows left keep their row ids');
    assert.equal(v.t['mg.v3merged'].outcome, 'RESOLVED', JSON.stringify(v.t));
    assert.deepEqual(v.mergedAfter.slice(0, 2), v.mergedBefore, "main's rows keep their row ids");
    const rowIds = v.mergedAfter.map((r: number[]) => r[1]);
    assert.deepEqual(
      v.mergedAfter.map((r: number[]) => r[0]),
      [1, 2, 3, 4],
    );
    assert.equal(new Set(rowIds).size, 4, `distinct row ids: ${JSON.stringify(rowIds)}`);
    assert.ok(rowIds.every((x: unknown) => typeof x === 'number'));
  });

  it('a branch whose base snapshot was expired still merges; one missing a later snapshot conflicts', () => {
    const e = step('merge branches whose Iceberg snapshots were expired');
    assert.equal(e.uSnapshots, 2, 'only the two new snapshots are left on u');
    assert.equal(e.u.status, 200, JSON.stringify(e.u));
    assert.equal(e.u.outcomes['mg.expired'].outcome, 'RESOLVED');
    assert.deepEqual(e.expired, [1, 2, 3, 4]);
    assert.equal(e.w.wasSuccessful, false);
    const c = e.w.outcomes['mg.expired2'];
    assert.equal(c.outcome, 'CONFLICT');
    assert.match(
      c.conflict.message,
      /mg\.expired2.*source's snapshot \d+, made since the merge base's snapshot \d+, was expired/,
    );
    assert.deepEqual(c.conflict.kinds, ['history-rewritten']);
  });

  it('rat merge --dry-run lists per table what would be replayed; rat merge replays it', async () => {
    assert.deepEqual(step('branch o and main both append to events (left for rat merge)'), [1, 2, 3, 4, 5, 7]);
    const server = ['--server', session.server.url];
    const dry = await runRat(process.cwd(), ['merge', 'o', '--dry-run', ...server]);
    assert.equal(dry.code, 0, dry.out);
    assert.match(dry.out, /^Would merge o /m);
    assert.match(dry.out, /^ {2}R {2}mg\.events: replayed 1 snapshot, \+1 file, \+1 row$/m);
    const merged = await runRat(process.cwd(), ['merge', 'o', ...server]);
    assert.equal(merged.code, 0, merged.out);
    assert.match(merged.out, /^ {2}R {2}mg\.events: replayed 1 snapshot/m);
  });

  it('transplant replays the picked commit onto a target that moved on', () => {
    const t = step('transplant one commit of p onto main that appended meanwhile');
    assert.equal(t.status, 200, JSON.stringify(t.outcomes));
    assert.equal(t.outcomes['mg.picked'].outcome, 'RESOLVED');
    assert.deepEqual(t.rows, [1, 3, 4], "only the picked commit's row came over");
  });

  it('rat merge --force says what the target loses and needs --yes without a terminal', async () => {
    const server = ['--server', session.server.url];
    const asked = await runRat(process.cwd(), ['merge', 'f', '--force', 'mg.rewritten', ...server]);
    assert.equal(asked.code, 2, asked.out);
    assert.match(asked.out, /^ {2}! {2}mg\.rewritten: \d+ snapshot\(s\), 1 row\(s\) added on main$/m);
    const forced = await runRat(process.cwd(), ['merge', 'f', '--force', 'mg.rewritten', '--yes', ...server]);
    assert.equal(forced.code, 0, forced.out);
    assert.match(forced.out, /^ {2}F {2}mg\.rewritten: source's version$/m);
  });

  it('no request was answered 5xx', () => session.assertNoServerErrors());
});
