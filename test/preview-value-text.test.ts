import assert from 'node:assert/strict';
import { openEngine } from '@ratatouille/engine';
import { http, startTestServer, type TestServer } from './support/server.ts';

/**
 * The text the data preview and the row diff show for each Iceberg type, on Parquet that DuckDB wrote through the
 * engine (its physical encodings: 128-bit and narrower decimals, time in microseconds, UUIDs as 16 bytes): what a
 * reader of the table would read, exactly.
 */
describe('values as the preview and the row diff show them', function () {
  this.timeout(120_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    const eng = await openEngine({ server: server.url });
    try {
      await eng.transform({
        sql: `SELECT 1::BIGINT AS id, 12.5::DECIMAL(9,2) AS small, -0.05::DECIMAL(38,2) AS wide,
                123456789012345.67::DECIMAL(38,2) AS big, TIME '12:34:56.789012' AS t,
                '5f0c8e2a-1b3c-4d5e-8f90-123456789abc'::UUID AS u, DATE '2024-02-29' AS d,
                TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, 9007199254740993::BIGINT AS huge, 'ab'::BLOB AS bin`,
        target: 'vals.t',
        materialized: 'table',
      });
    } finally {
      await eng.close();
    }
  });
  after(() => server?.stop());

  it('shows each value exactly in its usual text', async () => {
    const r = await http('GET', `${server.url}/api/v2/rat/preview?ref=main&key=vals.t`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const shown = Object.fromEntries(
      r.body.columns.map((c: { name: string }, i: number) => [c.name, r.body.rows[0][i]]),
    );
    assert.deepEqual(shown, {
      id: '1',
      small: '12.50',
      wide: '-0.05',
      big: '123456789012345.67',
      t: '12:34:56.789012',
      u: '5f0c8e2a-1b3c-4d5e-8f90-123456789abc',
      d: '2024-02-29',
      ts: '2024-01-02T03:04:05.123456',
      huge: '9007199254740993',
      bin: '6162',
    });
  });
});
