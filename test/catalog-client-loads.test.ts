import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import { startTestServer, type TestServer } from './support/server.ts';

const schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', type: 'long', required: false }] };

describe('IcebergRestClient: repeated loads of a table', () => {
  let server: TestServer;
  let dataDir: string;
  const realFetch = globalThis.fetch;
  /** Status and If-None-Match of every GET of the table, seen from the client side. */
  const loads: { ifNoneMatch: string | null; status: number }[] = [];
  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'rat-client-loads-'));
    server = await startTestServer({ dataDir });
    globalThis.fetch = async (input, init) => {
      const res = await realFetch(input, init);
      if ((init?.method ?? 'GET') === 'GET' && String(input).endsWith('/tables/t'))
        loads.push({ ifNoneMatch: new Headers(init?.headers).get('if-none-match'), status: res.status });
      return res;
    };
  });
  after(async () => {
    globalThis.fetch = realFetch;
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reuse the parsed answer while the server answers 304, and see a commit made by another client', async () => {
    const t = { namespace: ['loads'], name: 't' };
    const client = new IcebergRestClient({ server: server.url, ref: 'main' });
    const other = new IcebergRestClient({ server: server.url, ref: 'main' });
    await client.createNamespace(['loads']);
    await client.createTable(['loads'], { name: 't', schema });

    const first = await client.loadTable(t);
    const second = await client.loadTable(t);
    assert.equal(second, first, 'the second load reused the first answer');
    assert.ok(Object.isFrozen(first.metadata) && Object.isFrozen(first.metadata.schemas), 'a shared answer is frozen');
    assert.throws(() => ((first.metadata.properties as Record<string, string>)['x'] = 'y'), TypeError);

    await other.commitTable(t, [], [{ action: 'set-properties', updates: { owner: 'someone else' } }]);
    const third = await client.loadTable(t);
    assert.notEqual(third, first);
    assert.equal(third.metadata.properties['owner'], 'someone else');
    assert.notEqual(third['metadata-location'], first['metadata-location']);
    assert.equal(await client.loadTable(t), third);

    assert.deepEqual(
      loads.map((l) => [l.ifNoneMatch !== null, l.status]),
      [
        [false, 200],
        [true, 304],
        [true, 200],
        [true, 304],
      ],
    );
  });
});
