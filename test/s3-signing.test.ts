/**
 * S3 remote signing over HTTP against a real S3 server (versitygw): the catalog signs each S3 request a client names,
 * after checking the caller against the ref (read for GET/HEAD, commit for writes) and the object against the table's
 * location. The signed requests are then sent to S3 as a client would send them.
 */
import assert from 'node:assert/strict';
import { http, type TestServer } from './support/server.ts';
import type { S3TestServer } from './support/s3/versitygw.ts';
import { startSigningCatalog } from './support/s3/signing-catalog.ts';
import { bearer, tokenFor, type TeamClient } from './support/auth.ts';

const BUCKET = 'rat-signing';
const BRANCH = 'team/x';
const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [{ id: 1, name: 'id', required: false, type: 'long' }],
};

describe('S3 remote signing (versitygw, auth on)', function () {
  this.timeout(600_000);
  let s3: S3TestServer;
  let server: TestServer;
  let stop: () => Promise<void>;
  const tokens: Partial<Record<TeamClient, string>> = {};
  const iceberg = (ref: string) => `${server.url}/iceberg/${encodeURIComponent(ref)}/v1`;
  const as = (client: TeamClient) => bearer(tokens[client]!);
  let t1: string;
  let t2: string;

  /** Asks the catalog to sign an S3 request for table `db.<table>` on `ref`, as `client`. */
  const sign = (
    client: TeamClient | undefined,
    table: string,
    req: { method: string; uri: string; headers?: Record<string, string[]> },
    ref = BRANCH,
  ) =>
    http(
      'POST',
      `${iceberg(ref)}/namespaces/db/tables/${table}/sign`,
      { region: s3.region, headers: {}, ...req },
      client ? as(client) : {},
    );

  /** Sends an S3 request with the headers the catalog signed, as a client's FileIO would. */
  const send = async (method: string, uri: string, signed: Record<string, string[]>, body?: string) => {
    const headers = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k, v.join(', ')]));
    const res = await fetch(uri, { method, headers, body });
    return { status: res.status, text: await res.text() };
  };
  const objectUri = (location: string, file: string) => `${s3.endpoint}/${location.slice('s3://'.length)}/data/${file}`;

  before(async () => {
    ({ s3, server, stop } = await startSigningCatalog(BUCKET, { branch: BRANCH }));
    for (const c of ['etl', 'bi', 'guest', 'ops'] as const) tokens[c] = await tokenFor(server.url, c);
    const created = [];
    for (const name of ['t1', 't2', 't1x']) {
      const r = await http('POST', `${iceberg(BRANCH)}/namespaces/db/tables`, { name, schema: SCHEMA }, as('etl'));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      created.push(r.body.metadata.location as string);
    }
    [t1, t2] = created as [string, string];
  });

  after(() => stop?.());

  it('hands a signer endpoint and no keys to clients that announce remote-signing, nothing to others', async () => {
    const signing = await http('GET', `${iceberg(BRANCH)}/namespaces/db/tables/t1`, undefined, {
      ...as('guest'),
      'x-iceberg-access-delegation': 'vended-credentials,remote-signing',
    });
    assert.equal(signing.status, 200);
    const c = signing.body.config;
    assert.equal(c['s3.remote-signing-enabled'], 'true');
    assert.equal(c['s3.signer'], 'S3V4RestSigner');
    assert.equal(c['s3.signer.endpoint'], 'v1/namespaces/db/tables/t1/sign');
    assert.equal(c['signer.endpoint'], 'v1/namespaces/db/tables/t1/sign');
    assert.equal(c['s3.access-key-id'], undefined);
    assert.deepEqual(signing.body['storage-credentials'] ?? [], []);
    for (const delegation of [undefined, 'vended-credentials']) {
      const plain = await http('GET', `${iceberg(BRANCH)}/namespaces/db/tables/t1`, undefined, {
        ...as('guest'),
        ...(delegation ? { 'x-iceberg-access-delegation': delegation } : {}),
      });
      assert.equal(plain.body.config['s3.remote-signing-enabled'], undefined);
      assert.equal(plain.body.config['s3.access-key-id'], undefined);
    }
    const creds = await http('GET', `${iceberg(BRANCH)}/namespaces/db/tables/t1/credentials`, undefined, as('guest'));
    assert.deepEqual(creds.body['storage-credentials'], []);
  });

  it('signs the writes of a staged create (CREATE TABLE … AS SELECT) before the table exists, and no reads', async () => {
    const staged = await http(
      'POST',
      `${iceberg(BRANCH)}/namespaces/db/tables`,
      { name: 'ctas', schema: SCHEMA, 'stage-create': true },
      { ...as('etl'), 'x-iceberg-access-delegation': 'remote-signing' },
    );
    assert.equal(staged.status, 200, JSON.stringify(staged.body));
    const location = staged.body.metadata.location as string;
    const endpoint = staged.body.config['s3.signer.endpoint'] as string;
    assert.match(endpoint, /^v1\/namespaces\/db\/tables\/ctas\/sign\/staged\/[A-Za-z0-9_-]+$/);
    assert.equal(staged.body.config['signer.endpoint'], endpoint);
    const signStaged = (client: TeamClient, req: { method: string; uri: string }, at = endpoint) =>
      http(
        'POST',
        `${server.url}/iceberg/${encodeURIComponent(BRANCH)}/${at}`,
        { region: s3.region, headers: {}, ...req },
        as(client),
      );
    const uri = objectUri(location, 'part-0.parquet');
    // Iceberg's S3FileIO checks the name is free (HEAD), then writes.
    const head = await signStaged('etl', { method: 'HEAD', uri });
    assert.equal(head.status, 200, JSON.stringify(head.body));
    assert.equal((await send('HEAD', uri, head.body.headers)).status, 404);
    const put = await signStaged('etl', { method: 'PUT', uri });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body.headers['if-none-match'], ['*'], 'create-only, like every signed write');
    assert.equal((await send('PUT', uri, put.body.headers, 'PAR1')).status, 200);
    // Nothing is read through a staged endpoint: a location put in one by hand reveals no content.
    const get = await signStaged('etl', { method: 'GET', uri });
    assert.equal(get.status, 403, JSON.stringify(get.body));
    assert.match(get.body.error.message, /staged table has no files to read/);
    const elsewhere = await signStaged('etl', { method: 'PUT', uri: objectUri(t1, 'planted.parquet') });
    assert.equal(elsewhere.status, 403, 'outside the staged location');
    // A reader may not write, staged or not; a location outside the warehouse or a malformed one is refused.
    assert.equal((await signStaged('guest', { method: 'PUT', uri })).status, 403);
    const outside = Buffer.from('s3://other-bucket/x', 'utf8').toString('base64url');
    const far = await signStaged('etl', { method: 'PUT', uri }, endpoint.replace(/[^/]+$/, outside));
    assert.equal(far.status, 400, JSON.stringify(far.body));
    const bad = await signStaged('etl', { method: 'PUT', uri }, endpoint.replace(/[^/]+$/, 'not*base64'));
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
  });

  it('a writer writes and a narrow reader reads through signed requests; the write is create-only', async () => {
    const uri = objectUri(t1, 'part-0.parquet');
    const put = await sign('etl', 't1', {
      method: 'PUT',
      uri,
      headers: { 'Content-Type': ['application/octet-stream'] },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.headers.get('cache-control'), 'no-cache');
    assert.equal(put.body.uri, uri);
    assert.ok(put.body.headers['authorization'][0].startsWith('AWS4-HMAC-SHA256 '));
    assert.deepEqual(put.body.headers['if-none-match'], ['*']);
    const written = await send(
      'PUT',
      uri,
      { ...put.body.headers, 'Content-Type': ['application/octet-stream'] },
      'PAR1',
    );
    assert.equal(written.status, 200, written.text);
    // The signature makes the write create-only: replacing a file other branches may share fails at S3.
    const again = await send('PUT', uri, { ...put.body.headers, 'Content-Type': ['application/octet-stream'] }, 'XXXX');
    assert.equal(again.status, 412, again.text);

    const get = await sign('guest', 't1', { method: 'GET', uri, headers: { Range: ['bytes=0-3'] } });
    assert.equal(get.status, 200, JSON.stringify(get.body));
    assert.equal(get.headers.get('cache-control'), 'private');
    assert.equal((await send('GET', uri, get.body.headers)).text, 'PAR1');
    const head = await sign('guest', 't1', { method: 'HEAD', uri });
    assert.equal((await send('HEAD', uri, head.body.headers)).status, 200);
    const list = await sign('guest', 't1', {
      method: 'GET',
      uri: `${s3.endpoint}/${BUCKET}?list-type=2&prefix=${encodeURIComponent(`${t1.slice(`s3://${BUCKET}/`.length)}/`)}`,
    });
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const listed = await send('GET', list.body.uri, list.body.headers);
    assert.equal(listed.status, 200);
    assert.match(listed.text, /part-0\.parquet/);
  });

  it("a reader of one table cannot have a second table's file signed, nor use one signature for another file", async () => {
    const other = objectUri(t2, 'secret.parquet');
    const put = await sign('etl', 't2', { method: 'PUT', uri: other });
    assert.equal((await send('PUT', other, put.body.headers, 'SECRET')).status, 200);

    const refused = await sign('guest', 't1', { method: 'GET', uri: other });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.type, 'ForbiddenException');
    assert.match(refused.body.error.message, /inside this table's location/);
    // t1x's folder starts with t1's name: a prefix look-alike is another table.
    const lookalike = await sign('guest', 't1', { method: 'GET', uri: `${s3.endpoint}/${BUCKET}/warehouse/db/t1x/x` });
    assert.equal(lookalike.status, 403);
    for (const uri of [
      `${objectUri(t1, '..')}/../../t2/data/secret.parquet`,
      `${s3.endpoint}/other-bucket/warehouse/db/t1/x`,
      `${s3.endpoint}/${BUCKET}?list-type=2`,
      `${s3.endpoint}/${BUCKET}?list-type=2&prefix=warehouse%2F`,
    ]) {
      const r = await sign('guest', 't1', { method: 'GET', uri });
      assert.equal(r.status, 403, `${uri}: ${JSON.stringify(r.body)}`);
    }
    // A signature covers one request: t1's signed GET does not open t2's file.
    const mine = await sign('guest', 't1', { method: 'GET', uri: objectUri(t1, 'part-0.parquet') });
    const reused = await send('GET', other, mine.body.headers);
    assert.equal(reused.status, 403, reused.text);
    assert.match(reused.text, /SignatureDoesNotMatch/);
  });

  it('checks the caller against the ref: reads need read, writes need commit rights', async () => {
    const uri = objectUri(t1, 'part-1.parquet');
    const anonymous = await sign(undefined, 't1', { method: 'GET', uri });
    assert.equal(anonymous.status, 401);
    const readerWrites = await sign('bi', 't1', { method: 'PUT', uri });
    assert.equal(readerWrites.status, 403);
    assert.equal(readerWrites.body.error.type, 'ForbiddenException');
    const guestWrites = await sign('guest', 't1', { method: 'POST', uri: `${uri}?uploads` });
    assert.equal(guestWrites.status, 403);
    // guest reads team/* only; the table of the same name on main (another ref) is not its to read.
    const otherRef = await sign('guest', 't1', { method: 'GET', uri }, 'main');
    assert.equal(otherRef.status, 403);
    // main is protected: nobody writes files for direct commits there.
    const protectedMain = await sign('etl', 't1', { method: 'PUT', uri }, 'main');
    assert.equal(protectedMain.status, 403);
    // A point in history is read-only.
    const head = await http('GET', `${server.url}/api/v2/trees/${encodeURIComponent(BRANCH)}`, undefined, as('ops'));
    const pinned = await sign('etl', 't1', { method: 'PUT', uri }, `${BRANCH}@${head.body.reference.hash}`);
    assert.equal(pinned.status, 400);
  });

  it('refuses deletes (403) and answers malformed sign requests with 400, never 5xx', async () => {
    const uri = objectUri(t1, 'part-0.parquet');
    const del = await sign('etl', 't1', { method: 'DELETE', uri });
    assert.equal(del.status, 403);
    assert.match(del.body.error.message, /rat gc/);
    const bulk = await sign('etl', 't1', { method: 'POST', uri: `${s3.endpoint}/${BUCKET}?delete`, headers: {} });
    assert.equal(bulk.status, 403);
    const acl = await sign('etl', 't1', { method: 'PUT', uri: `${uri}?acl` });
    assert.equal(acl.status, 403);
    for (const body of [
      { method: 'GET', uri: 'not a url', region: 'us-east-1', headers: {} },
      { method: 'FETCH', uri, region: 'us-east-1', headers: {} },
      { method: 'GET', uri, region: 'us-east-1' },
      { method: 'GET', uri, region: 'us-east-1', headers: { a: 'not-a-list' } },
      { method: 'GET', uri: `${s3.endpoint}/${BUCKET}/%zz`, region: 'us-east-1', headers: {} },
      null,
    ]) {
      const r = await http('POST', `${iceberg(BRANCH)}/namespaces/db/tables/t1/sign`, body ?? 'null', as('etl'));
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.type, 'BadRequestException');
    }
    const missing = await sign('etl', 'nope', { method: 'GET', uri });
    assert.equal(missing.status, 404);
  });

  it('signs a multipart upload end to end and lets an unfinished one be aborted', async () => {
    const uri = objectUri(t1, 'big.parquet');
    const start = await sign('etl', 't1', { method: 'POST', uri: `${uri}?uploads` });
    const started = await send('POST', `${uri}?uploads`, start.body.headers);
    assert.equal(started.status, 200, started.text);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(started.text)![1]!;
    const partUri = `${uri}?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`;
    const part = await sign('etl', 't1', { method: 'PUT', uri: partUri });
    const uploaded = await fetch(partUri, {
      method: 'PUT',
      headers: Object.fromEntries(
        Object.entries(part.body.headers as Record<string, string[]>).map(([k, v]) => [k, v[0]!]),
      ),
      body: 'PAR1-multipart',
    });
    assert.equal(uploaded.status, 200, await uploaded.text());
    const etag = uploaded.headers.get('etag')!;
    const doneUri = `${uri}?uploadId=${encodeURIComponent(uploadId)}`;
    const done = await sign('etl', 't1', { method: 'POST', uri: doneUri });
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`;
    const completed = await send('POST', doneUri, done.body.headers, xml);
    assert.equal(completed.status, 200, completed.text);
    const get = await sign('guest', 't1', { method: 'GET', uri });
    assert.equal((await send('GET', uri, get.body.headers)).text, 'PAR1-multipart');

    const other = await sign('etl', 't1', { method: 'POST', uri: `${objectUri(t1, 'abandoned.parquet')}?uploads` });
    const otherId = /<UploadId>([^<]+)<\/UploadId>/.exec(
      (await send('POST', `${objectUri(t1, 'abandoned.parquet')}?uploads`, other.body.headers)).text,
    )![1]!;
    const abortUri = `${objectUri(t1, 'abandoned.parquet')}?uploadId=${encodeURIComponent(otherId)}`;
    const abort = await sign('etl', 't1', { method: 'DELETE', uri: abortUri });
    assert.equal(abort.status, 200, JSON.stringify(abort.body));
    assert.equal((await send('DELETE', abortUri, abort.body.headers)).status, 204);
  });
});
