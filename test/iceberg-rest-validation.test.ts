import assert from 'node:assert/strict';
import { http } from './support/server.ts';
import { BIG, BIG2, errorOf, icebergHttpServer, rawPost, schema } from './support/iceberg-http.ts';

/**
 * Iceberg REST over real HTTP: table metadata the reference catalog (Apache Iceberg's REST server) refuses, because a
 * Java client could not load or use the table afterwards, is refused here too: 400 for the client's mistake, 409 only
 * where the table moved on under the writer. Nothing is written for a refused request.
 */
describe('Iceberg REST metadata validation over HTTP', function () {
  const fx = icebergHttpServer();
  const { createTable, appendBody } = fx;

  before(async () => {
    assert.equal((await http('POST', `${fx.base}/namespaces`, { namespace: ['db'] })).status, 200);
  });

  /** The table's metadata location now, to check a refused commit changed nothing. */
  const location = async (name: string) =>
    (await http('GET', `${fx.base}/namespaces/db/tables/${name}`)).body['metadata-location'];

  it('partition field names that clash with another schema column are 400, at create and in add-spec', async () => {
    const create = (name: string, fields: unknown[]) =>
      http('POST', `${fx.base}/namespaces/db/tables`, { name, schema, 'partition-spec': { fields } });
    const bad = [
      [{ 'source-id': 1, transform: 'bucket[4]', name: 'data' }],
      [{ 'source-id': 1, transform: 'identity', name: 'data' }],
    ];
    for (const fields of bad) {
      const r = await create('clash', fields);
      assert.deepEqual(errorOf(r), { status: 400, type: 'BadRequestException' }, JSON.stringify(r.body));
      assert.match(r.body.error.message, /"data"/);
    }
    assert.equal((await http('GET', `${fx.base}/namespaces/db/tables/clash`)).status, 404);
    // A field named after its own source column is what Java's identity("data") produces.
    await createTable('db', 'named', undefined, {
      'partition-spec': { fields: [{ 'source-id': 2, transform: 'identity', name: 'data' }] },
    });

    const before = await location('named');
    const url = `${fx.base}/namespaces/db/tables/named`;
    const r = await http('POST', url, {
      updates: [
        { action: 'add-spec', spec: { fields: [{ 'source-id': 1, transform: 'bucket[8]', name: 'data' }] } },
        { action: 'set-default-spec', 'spec-id': -1 },
      ],
    });
    assert.deepEqual(errorOf(r), { status: 400, type: 'BadRequestException' }, JSON.stringify(r.body));
    assert.equal(await location('named'), before);
  });

  it('snapshot ref retention settings Java refuses are 400: tag retention, zero or negative ages and counts', async () => {
    await createTable('db', 'refs');
    const url = `${fx.base}/namespaces/db/tables/refs`;
    assert.equal((await rawPost(url, appendBody(BIG, 1, 'null'))).status, 200);
    const before = await location('refs');
    const ref = (type: string, extra: string) =>
      `{"updates":[{"action":"set-snapshot-ref","ref-name":"r","type":"${type}","snapshot-id":${BIG}${extra}}]}`;
    for (const body of [
      ref('tag', ',"min-snapshots-to-keep":2'),
      ref('tag', ',"max-snapshot-age-ms":1000'),
      ref('branch', ',"min-snapshots-to-keep":0'),
      ref('branch', ',"max-snapshot-age-ms":0'),
      ref('branch', ',"max-ref-age-ms":-1'),
    ]) {
      const r = await rawPost(url, body);
      assert.deepEqual(
        { status: r.status, type: r.json.error?.type },
        { status: 400, type: 'BadRequestException' },
        body,
      );
    }
    assert.equal(await location('refs'), before);
    const r = await rawPost(
      url,
      ref('branch', ',"min-snapshots-to-keep":1,"max-snapshot-age-ms":1,"max-ref-age-ms":1'),
    );
    assert.equal(r.status, 200, r.text);
  });

  it('v3 row lineage: first-row-id behind next-row-id is 409, first-row-id without added-rows or none at all is 400', async () => {
    await createTable('db', 'lineage', undefined, { properties: { 'format-version': '3' } });
    const url = `${fx.base}/namespaces/db/tables/lineage`;
    const append = (id: string, seq: number, parent: string, lineage: string) =>
      rawPost(url, appendBody(id, seq, parent).replace('"summary":', `${lineage}"summary":`));
    let r = await append(BIG, 1, 'null', '"first-row-id":0,"added-rows":10,');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.metadata['next-row-id'], 10);
    const before = await location('lineage');
    r = await append(BIG2, 2, BIG, '"first-row-id":5,"added-rows":10,');
    assert.deepEqual({ status: r.status, type: r.json.error?.type }, { status: 409, type: 'CommitFailedException' });
    r = await append(BIG2, 2, BIG, '"first-row-id":10,');
    assert.deepEqual({ status: r.status, type: r.json.error?.type }, { status: 400, type: 'BadRequestException' });
    assert.match(r.json.error.message, /added-rows/);
    r = await append(BIG2, 2, BIG, '"added-rows":5,');
    assert.deepEqual({ status: r.status, type: r.json.error?.type }, { status: 400, type: 'BadRequestException' });
    assert.match(r.json.error.message, /first-row-id is required/);
    assert.equal(await location('lineage'), before);
    r = await append(BIG2, 2, BIG, '"first-row-id":10,"added-rows":5,');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.metadata['next-row-id'], 15);
  });

  it('non-null column defaults below format version 3 are 400, at create and in add-schema', async () => {
    const withDefault = (extra: object) => ({
      ...schema,
      fields: [...schema.fields, { id: 3, name: 'n', type: 'int', required: false, ...extra }],
    });
    let r = await http('POST', `${fx.base}/namespaces/db/tables`, {
      name: 'defaults',
      schema: withDefault({ 'initial-default': 5, 'write-default': 5 }),
    });
    assert.deepEqual(errorOf(r), { status: 400, type: 'BadRequestException' }, JSON.stringify(r.body));
    assert.match(r.body.error.message, /initial-default/);
    await createTable('db', 'defaults');
    const before = await location('defaults');
    r = await http('POST', `${fx.base}/namespaces/db/tables/defaults`, {
      updates: [{ action: 'add-schema', schema: withDefault({ 'write-default': 1 }) }],
    });
    assert.deepEqual(errorOf(r), { status: 400, type: 'BadRequestException' }, JSON.stringify(r.body));
    assert.equal(await location('defaults'), before);
    await createTable('db', 'defaults3', undefined, {
      schema: withDefault({ 'initial-default': 5, 'write-default': 5 }),
      properties: { 'format-version': '3' },
    });
  });
});
