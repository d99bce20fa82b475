import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { http } from './support/server.ts';
import { BIG, BIG2, errorOf, icebergHttpServer, rawPost, schema } from './support/iceberg-http.ts';

/**
 * Iceberg REST table commits over real HTTP: exact 64-bit ids, requirement failures, Java and PyIceberg update
 * styles, stage-create, concurrent commits and multi-table transactions, and the catalog commit's author and message.
 */
describe('Iceberg REST commits over HTTP', function () {
  const fx = icebergHttpServer();
  const { createTable, appendBody, mainHash } = fx;

  describe('table commits', () => {
    before(async () => {
      assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['db'] })).status, 200);
    });

    it('commit: exact 64-bit snapshot ids, metadata-log, full history on load, snapshots=refs', async () => {
      await createTable('db', 'snaps');
      const url = `${fx.base}/namespaces/db/tables/snaps`;
      let r = await rawPost(
        url,
        appendBody(BIG, 1, 'null', `{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":null}`),
      );
      assert.equal(r.status, 200, r.text);
      assert.match(r.text, new RegExp(`"current-snapshot-id":${BIG}[,}]`));
      assert.match(r.json['metadata-location'], /\/metadata\/00001-/);
      const first = r.json['metadata-location'];
      r = await rawPost(
        url,
        appendBody(BIG2, 2, BIG, `{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":${BIG}}`),
      );
      assert.equal(r.status, 200, r.text);
      assert.match(r.json['metadata-location'], /\/metadata\/00002-/);
      assert.ok(r.json.metadata['metadata-log'].some((e: any) => e['metadata-file'] === first));

      // A tag on the first snapshot, then load with all vs refs.
      r = await rawPost(
        url,
        `{"updates":[{"action":"set-snapshot-ref","ref-name":"old","type":"tag","snapshot-id":${BIG}}]}`,
      );
      assert.equal(r.status, 200, r.text);
      r = await rawPost(url, `{"updates":[{"action":"remove-snapshot-ref","ref-name":"old"}]}`);
      assert.equal(r.status, 200, r.text);
      const all = await fetch(`${url}?snapshots=all`).then((x) => x.text());
      assert.equal(JSON.parse(all).metadata.snapshots.length, 2, 'full history');
      assert.ok(all.includes(`{"snapshot-id":${BIG},`) && all.includes(`{"snapshot-id":${BIG2},`), 'exact ids');
      const refs = await fetch(`${url}?snapshots=refs`).then((x) => x.text());
      assert.equal(JSON.parse(refs).metadata.snapshots.length, 1, 'only referenced snapshots');
      assert.ok(refs.includes(`{"snapshot-id":${BIG2},`));
      assert.equal((await http('GET', `${url}?snapshots=bogus`)).status, 400);
    });

    it("commit: last-updated-ms is the server's clock, never behind the metadata-log, whatever the snapshot's time", async () => {
      await createTable('db', 'clock');
      const url = `${fx.base}/namespaces/db/tables/clock`;
      const before = Date.now();
      // appendBody stamps its snapshots in 2023, far behind the table's creation (a writer whose clock lags).
      let r = await rawPost(url, appendBody(BIG, 1, 'null'));
      assert.equal(r.status, 200, r.text);
      r = await rawPost(url, appendBody(BIG2, 2, BIG));
      assert.equal(r.status, 200, r.text);
      const md = (await http('GET', url)).body.metadata;
      assert.ok(md['last-updated-ms'] >= before, `${md['last-updated-ms']} < ${before}`);
      for (const e of md['metadata-log']) assert.ok(md['last-updated-ms'] >= e['timestamp-ms'], JSON.stringify(e));
      assert.equal(md['snapshot-log'].at(-1)['timestamp-ms'], 1_700_000_000_002, 'the snapshot log keeps its time');
    });

    it('commit: updates that change nothing write no metadata file and no catalog commit', async () => {
      await createTable('db', 'noop');
      const url = `${fx.base}/namespaces/db/tables/noop`;
      assert.equal((await rawPost(url, appendBody(BIG, 1, 'null'))).status, 200);
      const before = await http('GET', url);
      const hash = await mainHash();
      for (const updates of [
        [{ action: 'remove-snapshot-ref', 'ref-name': 'missing' }],
        [{ action: 'upgrade-format-version', 'format-version': 2 }],
        [{ action: 'set-properties', updates: {} }],
      ]) {
        const r = await http('POST', url, { updates });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body['metadata-location'], before.body['metadata-location'], JSON.stringify(updates));
        assert.equal(r.body.metadata['last-updated-ms'], before.body.metadata['last-updated-ms']);
      }
      assert.equal(await mainHash(), hash, 'no catalog commit');
    });

    it('commit: a failed requirement and a stale sequence number are 409 CommitFailedException; nothing changes', async () => {
      await createTable('db', 'stale');
      const url = `${fx.base}/namespaces/db/tables/stale`;
      assert.equal((await rawPost(url, appendBody(BIG, 1, 'null'))).status, 200);
      const before = (await http('GET', url)).body['metadata-location'];
      let r = await rawPost(
        url,
        appendBody(BIG2, 2, BIG, `{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":null}`),
      );
      assert.deepEqual({ status: r.status, type: r.json.error.type }, { status: 409, type: 'CommitFailedException' });
      r = await rawPost(url, appendBody(BIG2, 1, BIG));
      assert.deepEqual({ status: r.status, type: r.json.error.type }, { status: 409, type: 'CommitFailedException' });
      r = await rawPost(
        url,
        `{"requirements":[{"type":"assert-current-schema-id","current-schema-id":5}],"updates":[]}`,
      );
      assert.equal(r.status, 409);
      assert.equal((await http('GET', url)).body['metadata-location'], before);
    });

    it('commit: Java style (no identifier, -1 ids), PyIceberg style (add-schema without last-column-id), unknown action is 400', async () => {
      await createTable('db', 'evolve');
      const url = `${fx.base}/namespaces/db/tables/evolve`;
      let r = await http('POST', url, {
        requirements: [{ type: 'assert-current-schema-id', 'current-schema-id': 0 }],
        updates: [
          {
            action: 'add-schema',
            schema: {
              type: 'struct',
              'schema-id': 1,
              fields: [...schema.fields, { id: 3, name: 'ts', type: 'timestamptz', required: false }],
            },
          },
          { action: 'set-current-schema', 'schema-id': -1 },
          {
            action: 'add-spec',
            spec: { 'spec-id': 1, fields: [{ 'source-id': 3, 'field-id': 1000, name: 'ts_day', transform: 'day' }] },
          },
          { action: 'set-default-spec', 'spec-id': -1 },
          {
            action: 'add-sort-order',
            'sort-order': {
              'order-id': 1,
              fields: [{ 'source-id': 1, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' }],
            },
          },
          { action: 'set-default-sort-order', 'sort-order-id': -1 },
          { action: 'set-properties', updates: { k: 'v' } },
        ],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.metadata['current-schema-id'], 1);
      assert.equal(r.body.metadata['last-column-id'], 3);
      assert.equal(r.body.metadata['default-spec-id'], 1);
      assert.equal(r.body.metadata['default-sort-order-id'], 1);
      r = await http('POST', url, {
        identifier: { namespace: ['db'], name: 'evolve' },
        updates: [{ action: 'upgrade-format-version', 'format-version': 3 }],
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.metadata['format-version'], 3);
      r = await http('POST', url, { updates: [{ action: 'teleport' }] });
      assert.deepEqual({ ...errorOf(r) }, { status: 400, type: 'BadRequestException' });
      r = await http('POST', url, { requirements: [{ type: 'assert-magic' }], updates: [] });
      assert.equal(r.status, 400);
      r = await http('POST', url, { updates: [{ action: 'set-current-schema', 'schema-id': 99 }] });
      assert.equal(r.status, 400);
      r = await http('POST', url, { identifier: { namespace: ['db'], name: 'other' }, updates: [] });
      assert.equal(r.status, 400);
    });

    it('stage-create returns uncommitted metadata, prepares metadata/, and the assert-create commit creates the table', async () => {
      const staged = await createTable('db', 'staged', undefined, { 'stage-create': true });
      assert.equal(staged['metadata-location'], null);
      const location = staged.metadata.location;
      assert.ok(existsSync(path.join(fileURLToPath(location), 'metadata')), 'metadata/ exists for writers');
      assert.equal((await http('HEAD', `${fx.base}/namespaces/db/tables/staged`)).status, 404);
      const m = staged.metadata;
      const commit = {
        requirements: [{ type: 'assert-create' }],
        updates: [
          { action: 'assign-uuid', uuid: m['table-uuid'] },
          { action: 'upgrade-format-version', 'format-version': 2 },
          { action: 'add-schema', schema: m.schemas[0] },
          { action: 'set-current-schema', 'schema-id': -1 },
          { action: 'add-spec', spec: m['partition-specs'][0] },
          { action: 'set-default-spec', 'spec-id': -1 },
          { action: 'add-sort-order', 'sort-order': m['sort-orders'][0] },
          { action: 'set-default-sort-order', 'sort-order-id': -1 },
          { action: 'set-location', location },
          { action: 'set-properties', updates: { created: 'staged' } },
        ],
      };
      let r = await http('POST', `${fx.base}/namespaces/db/tables/staged`, commit);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.metadata['table-uuid'], m['table-uuid']);
      assert.equal(r.body.metadata.location, location);
      assert.equal((await http('HEAD', `${fx.base}/namespaces/db/tables/staged`)).status, 204);
      r = await http('POST', `${fx.base}/namespaces/db/tables/staged`, commit);
      assert.deepEqual(errorOf(r), { status: 409, type: 'CommitFailedException' });
    });
  });

  describe('commit concurrency and transactions', () => {
    before(async () => {
      assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['cc'] })).status, 200);
    });

    it('concurrent commits whose requirements still hold all land; none is a 5xx', async () => {
      const t = await createTable('cc', 'hot');
      const url = `${fx.base}/namespaces/cc/tables/hot`;
      const n = 12;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          http('POST', url, {
            requirements: [{ type: 'assert-table-uuid', uuid: t.metadata['table-uuid'] }],
            updates: [{ action: 'set-properties', updates: { [`k${i}`]: String(i) } }],
          }),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        Array(n).fill(200),
      );
      const props = (await http('GET', url)).body.metadata.properties;
      for (let i = 0; i < n; i++) assert.equal(props[`k${i}`], String(i), `k${i} landed`);
      // Different tables in parallel all land too.
      const others = await Promise.all(
        Array.from({ length: 6 }, (_, i) => http('POST', `${fx.base}/namespaces/cc/tables`, { name: `p${i}`, schema })),
      );
      assert.deepEqual(
        others.map((r) => r.status),
        Array(6).fill(200),
      );
    });

    it('concurrent appends on the same parent: exactly one wins, the others get 409, nothing is lost', async () => {
      await createTable('cc', 'race');
      const url = `${fx.base}/namespaces/cc/tables/race`;
      const ids = ['1111111111111111111', '2222222222222222222', '3333333333333333333', '4444444444444444444'];
      const results = await Promise.all(
        ids.map((id) =>
          rawPost(url, appendBody(id, 1, 'null', `{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":null}`)),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) assert.equal(r.json.error.type, 'CommitFailedException');
      const winner = ids[results.findIndex((r) => r.status === 200)];
      const text = await fetch(url).then((x) => x.text());
      assert.match(text, new RegExp(`"current-snapshot-id":${winner}[,}]`));
    });

    it('transactions/commit: all tables change in one store commit, or none when a requirement fails', async () => {
      const a = await createTable('cc', 'ta');
      const b = await createTable('cc', 'tb');
      const before = await mainHash();
      let r = await http('POST', `${fx.base}/transactions/commit`, {
        'table-changes': [
          {
            identifier: { namespace: ['cc'], name: 'ta' },
            requirements: [{ type: 'assert-table-uuid', uuid: a.metadata['table-uuid'] }],
            updates: [{ action: 'set-properties', updates: { tx: '1' } }],
          },
          {
            identifier: { namespace: ['cc'], name: 'tb' },
            requirements: [],
            updates: [{ action: 'set-properties', updates: { tx: '1' } }],
          },
        ],
      });
      assert.equal(r.status, 204, JSON.stringify(r.body));
      const log = await http('GET', `${fx.server.url}/api/v2/trees/main/history?limit-hash=${before}`);
      assert.equal(
        log.body.logEntries.filter((e: any) => e.commitMeta.hash !== before).length,
        1,
        'one commit for both tables',
      );
      assert.equal((await http('GET', `${fx.base}/namespaces/cc/tables/ta`)).body.metadata.properties.tx, '1');
      assert.equal((await http('GET', `${fx.base}/namespaces/cc/tables/tb`)).body.metadata.properties.tx, '1');

      r = await http('POST', `${fx.base}/transactions/commit`, {
        'table-changes': [
          {
            identifier: { namespace: ['cc'], name: 'ta' },
            requirements: [],
            updates: [{ action: 'set-properties', updates: { tx: '2' } }],
          },
          {
            identifier: { namespace: ['cc'], name: 'tb' },
            requirements: [{ type: 'assert-table-uuid', uuid: a.metadata['table-uuid'] }],
            updates: [{ action: 'set-properties', updates: { tx: '2' } }],
          },
        ],
      });
      assert.deepEqual(errorOf(r), { status: 409, type: 'CommitFailedException' });
      assert.equal(
        (await http('GET', `${fx.base}/namespaces/cc/tables/ta`)).body.metadata.properties.tx,
        '1',
        'ta unchanged',
      );
      void b;
      r = await http('POST', `${fx.base}/transactions/commit`, {
        'table-changes': [{ identifier: { namespace: ['cc'], name: 'ghost' }, requirements: [], updates: [] }],
      });
      assert.deepEqual(errorOf(r), { status: 404, type: 'NoSuchTableException' });
      r = await http('POST', `${fx.base}/transactions/commit`, {
        'table-changes': [{ requirements: [], updates: [] }],
      });
      assert.equal(r.status, 400, 'transaction changes need identifiers');
    });

    it('leaves no metadata files of lost attempts behind', async () => {
      const t = await createTable('cc', 'tidy');
      const url = `${fx.base}/namespaces/cc/tables/tidy`;
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          http('POST', url, { updates: [{ action: 'set-properties', updates: { [`p${i}`]: '1' } }] }),
        ),
      );
      const files = readdirSync(path.join(fileURLToPath(t.metadata.location), 'metadata')).filter((f) =>
        f.endsWith('.metadata.json'),
      );
      const md = (await http('GET', url)).body.metadata;
      assert.equal(files.length, md['metadata-log'].length + 1, 'one file per landed version');
    });
  });

  describe('commit metadata', () => {
    it('takes author and message from headers, else derives "append to ns.t"', async () => {
      assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['meta'] })).status, 200);
      await createTable('meta', 't');
      let r = await rawPost(`${fx.base}/namespaces/meta/tables/t`, appendBody(BIG, 1, 'null'));
      assert.equal(r.status, 200);
      let log = await http('GET', `${fx.server.url}/api/v2/trees/main/history?maxRecords=1`);
      assert.equal(log.body.logEntries[0].commitMeta.message, 'append to meta.t');
      r = await rawPost(
        `${fx.base}/namespaces/meta/tables/t`,
        '{"updates":[{"action":"set-properties","updates":{"a":"b"}}]}',
        {
          'x-rat-author': 'Ada <ada@example.com>',
          'x-rat-message': 'tune table',
        },
      );
      assert.equal(r.status, 200);
      log = await http('GET', `${fx.server.url}/api/v2/trees/main/history?maxRecords=1`);
      assert.equal(log.body.logEntries[0].commitMeta.message, 'tune table');
      assert.ok(JSON.stringify(log.body.logEntries[0].commitMeta).includes('Ada'));
    });
  });
});
