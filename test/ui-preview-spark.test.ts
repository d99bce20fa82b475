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

  it('refuses (422) a table whose data files it cannot read as Parquet, rather than show wrong rows', async () => {
    assert.deepEqual(session.step<{ formats: string[] }>('write a table with Avro data files').formats, ['AVRO']);
    const res = await http('GET', `${session.server.url}/api/v2/rat/preview?ref=main&key=ui.avro`);
    assert.equal(res.status, 422);
    assert.equal(res.body.error.type, 'UnprocessableEntityException');
    assert.equal(res.body.errorCode, 'BAD_REQUEST');
  });
});
