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

  it('shows the first rows only when asked for fewer', async () => {
    const res = await http('GET', `${session.server.url}/api/v2/rat/preview?ref=main&key=ui.mor&limit=2`);
    assert.equal(res.body.rows.length, 2);
    assert.equal(res.body.truncated, true);
  });
});
