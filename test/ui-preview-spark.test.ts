import assert from 'node:assert/strict';
import { useClientSession } from './support/clients/index.ts';
import { http } from './support/server.ts';

/**
 * The UI's data preview (`/api/v2/rat/preview`) on a table Spark wrote merge-on-read: deleted and updated rows live
 * in position delete files, and the preview must show exactly the rows Spark reads, 64-bit values exact.
 */
describe('data preview of a merge-on-read table written by Spark', function () {
  const session = useClientSession('ui_spark_deletes.py', { spark: true });

  it('applies position delete files and matches what Spark reads', async () => {
    assert.ok(
      session.step<{ deleteFiles: number }>('write a merge-on-read table with deletes and an update').deleteFiles > 0,
    );
    const spark = session.step<Array<Record<string, unknown>>>('Spark reads the table');
    const res = await http('GET', `${session.server.url}/api/v2/rat/preview?ref=main&key=ui.mor&limit=100`);
    assert.equal(res.status, 200);
    assert.ok(res.body.deleteFiles > 0);
    assert.deepEqual(
      res.body.columns.map((c: any) => [c.name, c.type, c.required]),
      [
        ['id', 'long', true],
        ['name', 'string', false],
        ['amount', 'double', false],
        ['day', 'date', false],
        ['big', 'long', false],
      ],
    );
    const text = (v: unknown) => (v === null ? null : String(v));
    const expected = spark.map((r) => [r.id, r.name, r.amount, r.day, r.big].map(text));
    const shown: Array<Array<string | null>> = [...res.body.rows].sort(
      (a: string[], b: string[]) => Number(a[0]) - Number(b[0]),
    );
    assert.deepEqual(shown, expected);
    assert.ok(
      shown.some((r) => r[4] === '9007199254740993'),
      'a long beyond 2^53 stays exact',
    );
    assert.equal(res.body.truncated, false);
    assert.equal(res.body.totalRecords, '7', "the summary counts the data files' records: 4 + 2 + the updated row");
  });

  it('shows the first rows only when asked for fewer, and pages through the rest', async () => {
    const url = (q: string) => `${session.server.url}/api/v2/rat/preview?ref=main&key=ui.mor&${q}`;
    const res = await http('GET', url('limit=2'));
    assert.equal(res.body.rows.length, 2);
    assert.equal(res.body.truncated, true);
    // Pages of 2 across data files and delete files give exactly the rows of one full read, each once.
    const all = (await http('GET', url('limit=100'))).body.rows;
    const paged: Array<Array<string | null>> = [...res.body.rows];
    let token: string | null = res.body.nextPageToken;
    let pages = 1;
    while (token) {
      const page = await http('GET', url(`limit=2&page-token=${encodeURIComponent(token)}`));
      assert.equal(page.status, 200);
      assert.equal(page.body.snapshotId, res.body.snapshotId, 'every page reads the first page’s snapshot');
      paged.push(...page.body.rows);
      token = page.body.nextPageToken;
      pages++;
    }
    assert.deepEqual(paged, all);
    assert.equal(pages, Math.ceil(all.length / 2));
    const bad = await http('GET', url('limit=2&page-token=not-a-token'));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errorCode, 'BAD_REQUEST');
  });

  it("diffs the rows of two versions: a shared data file read on both sides with each side's position deletes", async () => {
    const base = session.server.url;
    // The catalog commits that changed ui.mor, newest first: the update, the delete, the second insert, ….
    const log = await http('GET', `${base}/api/v2/trees/main/history?fetch=ALL&max-records=100`);
    const touching = log.body.logEntries.filter((e: any) =>
      (e.operations ?? []).some((o: any) => o.key.elements.join('.') === 'ui.mor'),
    );
    const beforeDeletes = `main@${touching[2].commitMeta.hash}`;
    const diff = (q: string) =>
      http('GET', `${base}/api/v2/rat/row-diff?from=${encodeURIComponent(beforeDeletes)}&to=main&key=ui.mor&${q}`);
    const whole = await diff('');
    assert.equal(whole.status, 200, JSON.stringify(whole.body));
    assert.deepEqual(whole.body.keyColumns, [], 'Spark set no identifier fields');
    assert.deepEqual(whole.body.removed, [
      ['2', 'b', null, '2026-01-02', '-9007199254740995'],
      ['3', null, '3.25', null, '1'],
      ['5', 'e', '5.5', '2026-01-05', '5'],
    ]);
    assert.deepEqual(whole.body.added, [['3', 'c!', '3.25', null, '1']]);
    // The inserts' files are on both sides: read on each where a delete names them since (Spark's deletes name one
    // data file each), skipped where none does; the update's new files read once.
    const dataFiles = async (ref: string) =>
      (await http('GET', `${base}/api/v2/rat/preview?ref=${encodeURIComponent(ref)}&key=ui.mor&limit=1`)).body
        .dataFiles as number;
    const [before, after] = [await dataFiles(beforeDeletes), await dataFiles('main')];
    assert.ok(after > before, 'the update added a data file');
    const { filesRead, filesSkipped } = whole.body;
    assert.equal(filesRead, before + after - 2 * filesSkipped);
    assert.ok(filesSkipped < before, 'the files the deletes name are read');
    const byId = await diff('key-columns=id');
    assert.deepEqual(byId.body.changed, [
      { before: ['3', null, '3.25', null, '1'], after: ['3', 'c!', '3.25', null, '1'] },
    ]);
    assert.deepEqual(byId.body.counts, { added: 0, removed: 2, changed: 1 });
  });

  it('applies v3 deletion vectors (Puffin) in the preview and the row diff, as Spark reads them', async () => {
    const formats = session.step<{ formats: string[] }>('write a v3 table whose deletes are deletion vectors').formats;
    assert.deepEqual(
      formats.map((f) => f.toUpperCase()),
      ['PUFFIN'],
    );
    const spark = session.step<Array<{ id: number; name: string }>>('Spark reads the v3 table');
    const base = session.server.url;
    const res = await http('GET', `${base}/api/v2/rat/preview?ref=main&key=ui.dv&limit=100`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const shown = [...res.body.rows].sort((a: string[], b: string[]) => Number(a[0]) - Number(b[0]));
    assert.deepEqual(
      shown,
      spark.map((r) => [String(r.id), r.name]),
    );
    assert.deepEqual(shown, [
      ['1', 'a'],
      ['3', 'c!'],
      ['4', 'd'],
    ]);
    // Against the version before the delete: the deletion vectors' rows are what the branch removed.
    const log = await http('GET', `${base}/api/v2/trees/main/history?fetch=ALL&max-records=100`);
    const touching = log.body.logEntries.filter((e: any) =>
      (e.operations ?? []).some((o: any) => o.key.elements.join('.') === 'ui.dv'),
    );
    const inserted = encodeURIComponent(`main@${touching[2].commitMeta.hash}`);
    const diff = await http('GET', `${base}/api/v2/rat/row-diff?from=${inserted}&to=main&key=ui.dv&key-columns=id`);
    assert.equal(diff.status, 200, JSON.stringify(diff.body));
    assert.deepEqual(diff.body.removed, [['2', 'b']]);
    assert.deepEqual(diff.body.changed, [{ before: ['3', 'c'], after: ['3', 'c!'] }]);
    assert.deepEqual(diff.body.added, []);
  });

  it('refuses (422) a table whose data files it cannot read as Parquet, rather than show wrong rows', async () => {
    assert.deepEqual(session.step<{ formats: string[] }>('write a table with Avro data files').formats, ['AVRO']);
    const res = await http('GET', `${session.server.url}/api/v2/rat/preview?ref=main&key=ui.avro`);
    assert.equal(res.status, 422);
    assert.equal(res.body.error.type, 'UnprocessableEntityException');
    assert.equal(res.body.errorCode, 'BAD_REQUEST');
  });
});
