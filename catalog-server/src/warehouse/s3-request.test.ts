import assert from 'node:assert/strict';
import { BadRequestError, SignRequestRefusedError } from '../errors/index.ts';
import { isWrite, parseS3Request, type S3Addressing } from './s3-request.ts';

const LOCAL: S3Addressing = { endpoints: ['http://127.0.0.1:9000'], region: 'us-east-1' };
const AWS: S3Addressing = { endpoints: [], region: 'eu-west-1' };
const parse = (method: string, uri: string, headers: Record<string, string[]> = {}, at = LOCAL) =>
  parseS3Request({ method, uri, headers }, at);
const refused = (reason: string) => (e: unknown) =>
  e instanceof SignRequestRefusedError && (e.data as { reason: string }).reason === reason;

describe('parseS3Request (remote signing)', () => {
  it('reads bucket and key from a path-style URL, decoding the key', () => {
    const r = parse('GET', 'http://127.0.0.1:9000/lake/wh/db/t/data/a%20b.parquet');
    assert.equal(r.operation, 'get-object');
    assert.equal(r.bucket, 'lake');
    assert.equal(r.key, 'wh/db/t/data/a b.parquet');
    assert.deepEqual(r.target, {
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9000,
      path: '/lake/wh/db/t/data/a%20b.parquet',
      query: {},
    });
  });

  it('reads the bucket from a virtual-hosted AWS URL', () => {
    const r = parse('HEAD', 'https://lake.s3.eu-west-1.amazonaws.com/wh/t/x', {}, AWS);
    assert.equal(r.operation, 'head-object');
    assert.equal(r.bucket, 'lake');
    assert.equal(r.key, 'wh/t/x');
  });

  it('names each operation by method and query', () => {
    const cases: Array<[string, string, string]> = [
      ['PUT', '/lake/k', 'put-object'],
      ['PUT', '/lake/k?partNumber=1&uploadId=u', 'upload-part'],
      ['POST', '/lake/k?uploads', 'create-multipart-upload'],
      ['POST', '/lake/k?uploadId=u', 'complete-multipart-upload'],
      ['DELETE', '/lake/k?uploadId=u', 'abort-multipart-upload'],
      ['GET', '/lake/k?uploadId=u', 'list-parts'],
      ['DELETE', '/lake/k', 'delete-object'],
      ['POST', '/lake?delete', 'delete-objects'],
      ['GET', '/lake?list-type=2&prefix=wh%2Ft%2F', 'list-objects'],
    ];
    for (const [method, path, op] of cases) assert.equal(parse(method, `http://127.0.0.1:9000${path}`).operation, op);
    assert.equal(parse('GET', 'http://127.0.0.1:9000/lake?list-type=2&prefix=wh%2Ft%2F').prefix, 'wh/t/');
  });

  it('tells writes from reads', () => {
    assert.deepEqual(
      ['get-object', 'head-object', 'list-parts', 'list-objects', 'put-object', 'upload-part'].map((o) =>
        isWrite(o as never),
      ),
      [false, false, false, false, true, true],
    );
  });

  it('refuses operations it does not know, other hosts and widening headers (403)', () => {
    assert.throws(() => parse('PUT', 'http://127.0.0.1:9000/lake/k?acl'), refused('operation'));
    assert.throws(() => parse('GET', 'http://127.0.0.1:9000/lake/k?tagging'), refused('operation'));
    assert.throws(() => parse('GET', 'http://127.0.0.1:9000/lake?uploads'), refused('operation'));
    assert.throws(() => parse('PATCH', 'http://127.0.0.1:9000/lake/k'), refused('operation'));
    assert.throws(() => parse('GET', 'http://evil.example:9000/lake/k'), refused('endpoint'));
    assert.throws(() => parse('GET', 'https://127.0.0.1:9000/lake/k'), refused('endpoint'));
    assert.throws(() => parse('GET', 'http://lake.s3.eu-west-1.amazonaws.com/k', {}, AWS), refused('endpoint'));
    assert.throws(
      () => parse('PUT', 'http://127.0.0.1:9000/lake/k', { 'X-Amz-Acl': ['public-read'] }),
      refused('header'),
    );
    assert.throws(
      () => parse('PUT', 'http://127.0.0.1:9000/lake/k', { 'x-amz-copy-source': ['/lake/other'] }),
      refused('header'),
    );
    assert.throws(() => parse('PUT', 'http://127.0.0.1:9000/lake/k', { 'If-Match': ['"e"'] }), refused('header'));
  });

  it('answers malformed requests with a 400', () => {
    for (const uri of [
      'ftp://127.0.0.1:9000/lake/k',
      'http://u:p@127.0.0.1:9000/lake/k',
      'http://127.0.0.1:9000/lake/k#x',
      'http://127.0.0.1:9000/lake/%zz',
      'http://127.0.0.1:9000/lake/a%00b',
      'http://127.0.0.1:9000/lake/k?x-id=a&x-id=b',
      'http://127.0.0.1:9000/la%2Fke/k',
      'not a url',
    ]) {
      assert.throws(() => parse('GET', uri), BadRequestError, uri);
    }
    assert.throws(
      () =>
        parse('PUT', 'http://127.0.0.1:9000/lake/k', {
          'x-amz-content-sha256': ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD'],
        }),
      BadRequestError,
    );
  });
});
