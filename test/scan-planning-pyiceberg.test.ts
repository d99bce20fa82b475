import assert from 'node:assert/strict';
import { useClientSession } from './support/clients/index.ts';

interface FilterRun {
  checked: number;
  errors: Record<string, string>;
  differing: unknown[];
  rows: Record<string, number>;
  /** Per filter: [files PyIceberg planned itself, files the catalog planned]. */
  files: Record<string, [number, number]>;
}

interface Snap {
  label: string;
  id: string;
  rows: number;
  manifests: number;
  entries: string[];
}

/**
 * Server-side scan planning with PyIceberg 0.12 (test/clients/scan_planning_pyiceberg.py): a catalog with
 * `scan-planning-mode: server` reads the same rows, and plans no fewer files, than one that plans in PyIceberg, over
 * a table of many types partitioned by identity, day, bucket and truncate (more manifests than one answer carries, so
 * planned in plan tasks; a copy-on-write delete, an overwrite, a column added then renamed, a partition field added)
 * and a small table (planned in one answer), for many filters, selected fields, case-insensitive names and time
 * travel to every snapshot; and what PyIceberg 0.12 itself cannot do through the catalog.
 */
describe('server-side scan planning with PyIceberg', function () {
  const session = useClientSession('scan_planning_pyiceberg.py');

  it('opened one catalog that plans on the server and one that does not', () => {
    assert.deepEqual(session.step('open a client-planning and a server-planning catalog'), {
      client: false,
      server: true,
    });
  });

  it('wrote a table of many manifests through appends, a delete, an overwrite and both evolutions', () => {
    const w = session.step<{ snapshots: Snap[]; specs: number; schemas: number; smallManifests: number }>(
      'write a partitioned table of many types and a small one',
    );
    const last = w.snapshots.at(-1)!;
    assert.ok(last.manifests > 4, `more manifests (${last.manifests}) than a plan answers with at once`);
    assert.deepEqual(
      w.snapshots.map((s) => s.rows),
      // 72 rows and a 64-bit id; 22 deleted; apac's 20 replaced by 6; 12, 10 and 2 appended.
      [12, 24, 36, 48, 60, 72, 73, 51, 37, 49, 59, 61],
    );
    const byLabel = new Map(w.snapshots.map((s) => [s.label, s]));
    assert.ok(byLabel.get('delete')!.entries.includes('DELETED'), 'the delete left deleted entries');
    assert.ok(byLabel.get('overwrite apac')!.entries.includes('EXISTING'), 'the overwrite kept existing entries');
    assert.equal(w.specs, 2);
    assert.equal(w.schemas, 3, 'a column added, then renamed');
    assert.ok(w.smallManifests <= 4, 'the small table is planned in one answer');
    // Time travel sends these as JSON numbers, most of them beyond 2^53.
    assert.ok(w.snapshots.some((s) => BigInt(s.id) > 2n ** 53n));
  });

  it('every filter reads the same rows from both catalogs, and the catalog plans every file PyIceberg does', () => {
    const r = session.step<FilterRun>('every filter reads the same rows from both catalogs (large table)');
    assert.deepEqual(r.errors, {});
    assert.deepEqual(r.differing, []);
    assert.ok(r.checked >= 75, `${r.checked} filters`);
    const expected: Record<string, number> = {
      all: 61,
      none: 0,
      'region = eu': 31,
      'region is null': 0,
      'region = nowhere': 0,
      'id = big': 1,
      'id > 2^53': 1,
      'id in (3, 44, 201, 305, big)': 4,
      'id not in (1, 2, 3)': 60,
      'note not null': 12,
      'note = x302': 1,
      'note is null': 49,
      "text: id > 5 and region = 'eu'": 30,
      'text: id not in (1, 2, 200)': 60,
      'dbl is nan': 4,
      'dbl is null': 9,
      'flag is null': 14,
      'd >= 2026-02-01 (string)': 6,
      // Literals beyond the int column's range, decided when bound (they were refused with a 400).
      'i < 2^40': 61,
      'i = 2^40': 0,
      'i in (1, 2^40)': 5,
      'i not in (2^40, -2^40)': 61,
      'id < 2^70': 61,
    };
    for (const [name, rows] of Object.entries(expected)) assert.equal(r.rows[name], rows, name);
    // The catalog prunes inclusively (a superset of PyIceberg's files, checked per filter in the script), but it
    // does prune: for most filters it plans fewer files than the table has.
    const whole = r.files['all']![1];
    assert.equal(whole, r.files['all']![0]);
    const pruned = Object.entries(r.files).filter(([, [, server]]) => server < whole);
    assert.ok(pruned.length >= 50, `the catalog pruned files for only ${pruned.length} filters`);
    assert.deepEqual(r.files['id = big'], [1, 1]);
    assert.deepEqual(r.files['region = nowhere'], [0, 0]);
    // Files of a float column holding only nulls (PyIceberg writes no NaN count for them) are pruned as PyIceberg
    // prunes them; only uuid bounds are not compared (their order differs between writers).
    assert.deepEqual(r.files['flt < 1.0'], [6, 6]);
    const more = Object.entries(r.files).filter(([, [client, server]]) => server > client);
    assert.deepEqual(
      more.map(([name]) => name).filter((name) => !name.startsWith('uid ')),
      [],
    );
  });

  it('the small table (planned in one answer) reads the same rows too', () => {
    const r = session.step<FilterRun>('every filter reads the same rows from both catalogs (small table)');
    assert.deepEqual(r.errors, {});
    assert.deepEqual(r.differing, []);
    assert.ok(r.checked >= 60, `${r.checked} filters`);
    assert.equal(r.rows['all'], 8);
    assert.equal(r.rows['id = 7'], 1);
    assert.equal(r.rows['bin = 0x0507'], 1);
  });

  it('selected fields and case-insensitive upper-case names', () => {
    const r = session.step<{
      differing: unknown[];
      rows: Record<string, number>;
      columns: Record<string, unknown>;
      limited: number[];
    }>('selected fields and case-insensitive names');
    assert.deepEqual(r.differing, []);
    assert.equal(r.rows['select id, region'], 61);
    assert.deepEqual(r.columns['upper-case names, case-insensitive'], ['id', 'region', 'ts']);
    assert.equal(r.rows['select note where region = eu'], 31);
    assert.deepEqual(r.limited, [5, 5]);
  });

  it('time travel to every snapshot, before and after the new column and partition field', () => {
    const t = session.step<{ differing: unknown[]; checked: number; rows: Record<string, number> }>(
      'time travel to every snapshot',
    );
    assert.deepEqual(t.differing, []);
    assert.equal(t.checked, 48);
    assert.equal(t.rows['append 0 / all'], 12);
    assert.equal(t.rows['delete / all'], 51);
    assert.equal(t.rows['overwrite apac / all'], 37);
  });

  it('PyIceberg 0.12 time travel selecting a column by a name it has lost since: read in the client, 400 here', () => {
    // It sends `use-snapshot-schema: false`, so `select` is resolved in the current schema (as the spec says), while
    // its own projection uses the snapshot's schema.
    assert.deepEqual(session.step('time travel selecting a renamed column by its old name'), {
      clientRows: 49,
      server: 'BadRequestError',
    });
  });

  it('a filter on a name that only matches case-insensitively is refused in a case-sensitive scan', () => {
    assert.equal(
      session.raised('a case-sensitive filter on an upper-case name fails on the server too'),
      'BadRequestError',
    );
  });

  it('PyIceberg 0.12 cannot read a planned file whose partition holds a null (its model has no null value)', () => {
    assert.equal(
      session.raised('a null partition value: PyIceberg 0.12 cannot read the planned file'),
      'ValidationError',
    );
  });

  it('the server catalog planned its scans on the server, in plan tasks for the large table only', () => {
    const posts = (table: string, word: string) =>
      session.proxy.exchanges.filter((e) => e.method === 'POST' && new RegExp(`/tables/${table}/${word}$`).test(e.url));
    assert.ok(posts('events', 'plan').length > 0, 'POST …/events/plan');
    assert.ok(posts('events', 'tasks').length > 0, 'POST …/events/tasks');
    assert.ok(posts('small', 'plan').length > 0, 'POST …/small/plan');
    assert.equal(posts('small', 'tasks').length, 0, 'the small table is answered inline');
    // The two refusals: the old column name selected in time travel, the case-sensitive filter on an upper-case name.
    assert.deepEqual(
      [...posts('[^/]+', 'plan'), ...posts('[^/]+', 'tasks')].filter((e) => e.status !== 200).map((e) => e.status),
      [400, 400],
    );
    session.assertNoServerErrors();
  });
});
