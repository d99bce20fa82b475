import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestServer, http, type TestServer } from './support/server.ts';
import { appendCommit, APPEND_SCHEMA, newTableState } from './support/iceberg-appends.ts';

/**
 * The data preview (`GET /api/v2/rat/preview`) on files a writer got wrong: a data file that is a folder or not
 * Parquet, a manifest list that is a folder. Each is the table's content, not a server fault: a 422 naming the file.
 */
describe('preview of a table whose files cannot be read', function () {
  let server: TestServer;
  const ice = () => `${server.url}/iceberg/v1/namespaces/db/tables`;
  const preview = (table: string) => http('GET', `${server.url}/api/v2/rat/preview?ref=main&key=db.${table}`);

  /** A table whose one data file is `make`d at its path; returns that path. */
  async function tableWithDataFile(name: string, make: (file: string) => void): Promise<string> {
    const t = await http('POST', ice(), { name, schema: APPEND_SCHEMA });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const dataFile = `${t.body.metadata.location}/data/part-0.parquet`;
    mkdirSync(fileURLToPath(`${t.body.metadata.location}/data`), { recursive: true });
    make(fileURLToPath(dataFile));
    const c = await http(
      'POST',
      `${ice()}/${name}`,
      appendCommit(newTableState(t.body.metadata.location), { dataFile }).body,
    );
    assert.equal(c.status, 200, JSON.stringify(c.body));
    return dataFile;
  }

  before(async () => {
    server = await startTestServer();
    assert.equal((await http('POST', `${server.url}/iceberg/v1/namespaces`, { namespace: ['db'] })).status, 200);
  });
  after(() => server?.stop());

  it('a data file that is a folder: 422 naming it', async () => {
    const file = await tableWithDataFile('pv1', (f) => mkdirSync(f));
    const r = await preview('pv1');
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.ok(r.body.error.message.includes(file), r.body.error.message);
  });

  it('a data file that is not Parquet: 422 naming it', async () => {
    const file = await tableWithDataFile('pv2', (f) => writeFileSync(f, 'not parquet at all'));
    const r = await preview('pv2');
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.ok(r.body.error.message.includes(file), r.body.error.message);
  });

  it('a manifest list that is a folder: 422 naming it', async () => {
    const t = await http('POST', ice(), { name: 'pv3', schema: APPEND_SCHEMA });
    const list = `${t.body.metadata.location}/metadata/snap-9.avro`;
    mkdirSync(fileURLToPath(list), { recursive: true });
    const c = await http('POST', `${ice()}/pv3`, {
      requirements: [],
      updates: [
        {
          action: 'add-snapshot',
          snapshot: {
            'snapshot-id': 9,
            'sequence-number': 1,
            'timestamp-ms': Date.now(),
            'manifest-list': list,
            summary: { operation: 'append' },
            'schema-id': 0,
          },
        },
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 9 },
      ],
    });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    const r = await preview('pv3');
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.ok(r.body.error.message.includes(list), r.body.error.message);
  });
});
