import assert from 'node:assert/strict';
import { http, metricValue } from './support/server.ts';
import { BIG, BIG2, icebergHttpServer } from './support/iceberg-http.ts';

/**
 * Table commits answered ahead of express (catalog-server/src/http/hot-commits.ts) against the same commits through
 * express (a prefix segment routes there): the same answers, errors included, the same commit meta, request ids and
 * metrics; what is not the plain case reaches express untouched.
 */
describe('Iceberg REST commits ahead of express', function () {
  const fx = icebergHttpServer();
  const { ice, createTable } = fx;
  /** The same table's URL through express: `wh` is a prefix segment, which the front end leaves to it. */
  const routed = (u: string) => u.replace('/v1/namespaces/', '/v1/wh/namespaces/');
  const post = async (url: string, text: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: text,
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  const front = (name: string) =>
    metricValue(fx.server.url, 'rat_http_table_commit_front_end_total', { front_end: name });

  before(async () => {
    await http('POST', `${fx.base}/namespaces`, { namespace: ['db'] });
  });

  it('answers a commit as the express route does: metadata with exact 64-bit ids, its ETag, the commit meta', async () => {
    await createTable('db', 'hot');
    await createTable('db', 'routed');
    const hot0 = await front('hot');
    const message = { 'x-rat-author': 'ana', 'x-rat-message': 'append one file', 'x-rat-properties': '{"job":"7"}' };
    const hot = await post(ice('/namespaces/db/tables/hot'), fx.appendBody(BIG, 1, 'null'), message);
    const express = await post(routed(ice('/namespaces/db/tables/routed')), fx.appendBody(BIG, 1, 'null'), message);
    assert.equal(await front('hot'), hot0 + 1, 'the plain commit was answered ahead of express');
    assert.equal(hot.status, 200, hot.text);
    assert.equal(express.status, 200, express.text);
    for (const name of ['content-type', 'x-request-id']) assert.ok(hot.headers.get(name), name);
    assert.equal(hot.headers.get('content-type'), express.headers.get('content-type'));
    assert.equal(Number(hot.headers.get('content-length')), Buffer.byteLength(hot.text));
    // Same text but for the table's own name, ids and times: the metadata file's bytes in the same envelope.
    const shape = (t: string) =>
      t
        .replace(/"table-uuid":"[^"]+"/g, '')
        .replace(/(routed|hot)-[0-9a-f]{32}/g, 'T')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'U')
        .replace(/"(last-updated-ms|timestamp-ms)":\d+/g, '');
    assert.equal(shape(hot.text), shape(express.text));
    assert.match(hot.text, new RegExp(`"current-snapshot-id":${BIG}[,}]`), 'the 64-bit id exact');
    const load = await fetch(ice('/namespaces/db/tables/hot'));
    await load.arrayBuffer();
    assert.equal(hot.headers.get('etag'), load.headers.get('etag'), 'the ETag of a full load of the new metadata');
    const log = await http('GET', `${fx.server.url}/api/v2/trees/main/history?maxRecords=2`);
    const metas = log.body.logEntries.map((e: any) => e.commitMeta);
    for (const m of metas) {
      assert.deepEqual([m.authors, m.message, m.allProperties.job], [['ana'], 'append one file', ['7']]);
    }
  });

  it('answers every refused commit with the error the express route gives, and the same status', async () => {
    await createTable('db', 'e1');
    await createTable('db', 'e2');
    const hotUrl = ice('/namespaces/db/tables/e1');
    const expressUrl = routed(ice('/namespaces/db/tables/e2'));
    const stale = `{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":${BIG2}}`;
    const cases: Array<[string, string, number, string, Record<string, string>?, string?]> = [
      ['a failed requirement', fx.appendBody(BIG, 1, 'null', stale), 409, 'CommitFailedException'],
      ['an unknown action', '{"requirements":[],"updates":[{"action":"melt"}]}', 400, 'BadRequestException'],
      ['a body of the wrong shape', '{"updates":7}', 400, 'BadRequestException'],
      [
        'another table in the body',
        '{"identifier":{"namespace":["db"],"name":"x"},"requirements":[],"updates":[]}',
        400,
        'BadRequestException',
      ],
      [
        'bad commit properties',
        '{"requirements":[],"updates":[]}',
        400,
        'BadRequestException',
        { 'x-rat-properties': '[1]' },
      ],
      ['a missing table', '{"requirements":[],"updates":[]}', 404, 'NoSuchTableException', {}, 'none'],
      ['a missing ref', '{"requirements":[],"updates":[]}', 404, 'NoSuchReferenceException', {}, 'ref'],
    ];
    const hot0 = await front('hot');
    for (const [what, body, status, type, headers = {}, missing] of cases) {
      const url = (u: string) =>
        missing === 'none'
          ? u.replace(/tables\/e\d$/, 'tables/none')
          : missing === 'ref'
            ? u.replace('/iceberg/v1/', '/iceberg/no-such-ref/v1/')
            : u;
      const [h, e] = [await post(url(hotUrl), body, headers), await post(url(expressUrl), body, headers)];
      const [hb, eb] = [JSON.parse(h.text), JSON.parse(e.text)];
      assert.deepEqual([h.status, hb.error.type, hb.error.code], [status, type, status], `${what}: ${h.text}`);
      assert.deepEqual([e.status, eb.error.type], [status, type], `${what} through express: ${e.text}`);
      assert.equal(hb.error.message.replace(/e1|e2/g, 'T'), eb.error.message.replace(/e1|e2/g, 'T'), what);
      assert.equal(h.headers.get('content-type'), e.headers.get('content-type'), what);
    }
    assert.equal(await front('hot'), hot0 + cases.length);
    // JSON the parser cannot read: a 400 from either (the messages are each parser's own).
    const broken = await post(hotUrl, '{"requirements":[');
    assert.equal(broken.status, 400);
    assert.match(JSON.parse(broken.text).error.message, /^Malformed JSON body/);
    // Nothing of those was committed: the table is as created.
    const t = await http('GET', hotUrl);
    assert.equal(t.body.metadata['current-snapshot-id'] ?? -1, -1);
  });

  it('leaves what is not the plain case to express: other media types, queries', async () => {
    await createTable('db', 'other');
    const url = ice('/namespaces/db/tables/other');
    const counts = async () => [await front('hot'), await front('express')];
    const before = await counts();
    const asText = await post(url, '{"requirements":[],"updates":[]}', { 'content-type': 'text/plain' });
    assert.equal(asText.status, 415, asText.text);
    assert.equal(JSON.parse(asText.text).error.type, 'UnsupportedMediaTypeException');
    const queried = await post(`${url}?x=1`, '{"requirements":[],"updates":[]}');
    assert.equal(queried.status, 200, queried.text);
    assert.deepEqual(await counts(), before, 'none of them was taken by the front end');
  });

  it('keeps the same Idempotency-Key records as express: a retry through either front end gets the first answer', async () => {
    await createTable('db', 'keyed');
    const url = ice('/namespaces/db/tables/keyed');
    const body = fx.appendBody(BIG, 1, 'null', '{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":null}');
    /** The same request handed to express: a body of undeclared length (chunked) is not the front end's. */
    const chunked = async (text: string, key: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode(text));
            c.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      return { status: res.status, text: await res.text(), headers: res.headers };
    };
    const hot0 = await front('hot');
    const key = '01890a5d-ac96-774b-bcce-b302099a8057';
    const first = await post(url, body, { 'idempotency-key': key });
    assert.equal(first.status, 200, first.text);
    assert.equal(await front('hot'), hot0 + 1);
    // Retried ahead of express and through it: the recorded answer, byte for byte, nothing applied again.
    const again = await post(url, body, { 'idempotency-key': key });
    const viaExpress = await chunked(body, key);
    assert.deepEqual(
      [again.status, again.text, again.headers.get('etag')],
      [200, first.text, first.headers.get('etag')],
    );
    assert.deepEqual([viaExpress.status, viaExpress.text], [200, first.text]);
    // Recorded through express, replayed ahead of it.
    const other = '01890a5d-ac96-774b-bcce-b302099a8058';
    const stale = await chunked(body, other);
    assert.equal(stale.status, 409, stale.text);
    const staleAgain = await post(url, body, { 'idempotency-key': other });
    assert.deepEqual([staleAgain.status, staleAgain.text], [409, stale.text]);
    // Another body under a used key, and a key that is not a UUID, are refused as behind express.
    assert.equal((await post(url, '{"requirements":[],"updates":[]}', { 'idempotency-key': key })).status, 422);
    assert.equal((await post(url, body, { 'idempotency-key': 'not-a-uuid' })).status, 400);
    const t = await http('GET', url);
    assert.equal(t.body.metadata.snapshots.length, 1, 'one snapshot: the retries changed nothing');
  });

  it('gives request ids, the route label and the log line as express does', async () => {
    await createTable('db', 'observed');
    const url = ice('/namespaces/db/tables/observed');
    const requests = (status: string) =>
      metricValue(fx.server.url, 'rat_http_requests_total', {
        method: 'POST',
        route: '/iceberg/namespaces/:namespace/tables/:table',
        status,
      });
    const [ok0, conflict0] = [await requests('200'), await requests('409')];
    const r = await post(url, fx.appendBody(BIG, 1, 'null'), { 'x-request-id': 'hot-commit-1' });
    assert.equal(r.headers.get('x-request-id'), 'hot-commit-1');
    const lost = await post(
      url,
      fx.appendBody(BIG2, 1, 'null', '{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":null}'),
    );
    assert.equal(lost.status, 409, lost.text);
    assert.match(lost.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual([await requests('200'), await requests('409')], [ok0 + 1, conflict0 + 1]);
  });
});
