import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { remoteSigningConfig } from './s3-remote-signer.ts';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * The AWS SDK with the remote signer, against one local HTTP server playing both parts: the catalog's signer
 * endpoint (`POST /sign`, answering a made-up Authorization) and S3 (every other path).
 */
describe('remote signing through the AWS SDK', () => {
  let server: http.Server;
  let base: string;
  const signs: Seen[] = [];
  const s3: Seen[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seen = {
          method: req.method!,
          url: req.url!,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        };
        if (req.url === '/sign') {
          signs.push(seen);
          if (req.headers.authorization !== 'Bearer tok') {
            res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"type":"NotAuthorized"}}');
            return;
          }
          const ask = JSON.parse(seen.body) as { uri: string; method: string };
          const headers: Record<string, string[]> = {
            Authorization: [`signed ${ask.method}`],
            'x-amz-date': ['20260101T000000Z'],
          };
          if (ask.method === 'PUT') headers['If-None-Match'] = ['*'];
          if (ask.method === 'DELETE') {
            res
              .writeHead(403, { 'content-type': 'application/json' })
              .end('{"error":{"type":"ForbiddenException","message":"no deletes"}}');
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ uri: ask.uri, headers }));
          return;
        }
        s3.push(seen);
        res.writeHead(200, { etag: '"e"' }).end(req.method === 'GET' ? 'hello' : '');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((r) => server.close(() => r())));

  const client = (token = 'tok') =>
    new S3Client({
      region: 'us-east-1',
      endpoint: base,
      forcePathStyle: true,
      ...remoteSigningConfig({ url: `${base}/sign`, auth: { server: base, credentials: { token } } }, 'us-east-1'),
    });

  it('signs an upload at the catalog: one plain PutObject with the answer applied, no chunks or checksums', async () => {
    await client().send(new PutObjectCommand({ Bucket: 'lake', Key: 'wh/t/data/a.parquet', Body: Buffer.from('abc') }));
    const ask = JSON.parse(signs.at(-1)!.body) as {
      method: string;
      uri: string;
      region: string;
      headers: Record<string, string[]>;
    };
    assert.equal(ask.method, 'PUT');
    assert.equal(ask.region, 'us-east-1');
    assert.equal(ask.uri, `${base}/lake/wh/t/data/a.parquet?x-id=PutObject`);
    assert.deepEqual(ask.headers['x-amz-content-sha256'], ['UNSIGNED-PAYLOAD']);
    const put = s3.at(-1)!;
    assert.equal(put.url, '/lake/wh/t/data/a.parquet?x-id=PutObject');
    assert.equal(put.headers.authorization, 'signed PUT');
    assert.equal(put.headers['if-none-match'], '*');
    assert.equal(put.headers['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');
    assert.equal(put.body, 'abc');
    assert.equal(put.headers['content-encoding'], undefined);
    assert.deepEqual(
      Object.keys(put.headers).filter((h) => h.startsWith('x-amz-checksum') || h === 'x-amz-trailer'),
      [],
    );
  });

  it('signs reads, and a refused signature fails the request without reaching S3', async () => {
    const r = await client().send(new GetObjectCommand({ Bucket: 'lake', Key: 'wh/t/data/a.parquet' }));
    assert.equal(await r.Body!.transformToString(), 'hello');
    assert.equal(s3.at(-1)!.headers.authorization, 'signed GET');
    const before = s3.length;
    await assert.rejects(
      client('wrong').send(new GetObjectCommand({ Bucket: 'lake', Key: 'wh/t/data/a.parquet' })),
      (err: { code?: string; status?: number }) => err.code === 'S3_SIGN_FAILED' && err.status === 401,
    );
    assert.equal(s3.length, before);
  });
});
