import assert from 'node:assert/strict';
import {
  applySigned,
  requestUri,
  signerOf,
  toSignRequest,
  withUnsignedPayload,
  type SignableRequest,
} from './s3-signing.ts';

const request = (over: Partial<SignableRequest> = {}): SignableRequest => ({
  method: 'PUT',
  protocol: 'http:',
  hostname: '127.0.0.1',
  port: 9000,
  path: '/lake/wh/t/data/a%20b.parquet',
  query: { 'x-id': 'PutObject' },
  headers: { host: '127.0.0.1:9000', 'content-length': '3', 'X-Amz-User-Agent': 'sdk' },
  ...over,
});

describe('remote signing: requests and answers', () => {
  it('builds the URI as the SDK sends it: path as is, query sorted and RFC 3986-escaped', () => {
    assert.equal(requestUri(request()), 'http://127.0.0.1:9000/lake/wh/t/data/a%20b.parquet?x-id=PutObject');
    assert.equal(
      requestUri(request({ port: undefined, query: { prefix: 'wh/t/(1)!', 'list-type': '2', uploads: null } })),
      'http://127.0.0.1/lake/wh/t/data/a%20b.parquet?list-type=2&prefix=wh%2Ft%2F%281%29%21&uploads',
    );
    assert.equal(
      requestUri(request({ query: { a: ['1', '2'] } })),
      'http://127.0.0.1:9000/lake/wh/t/data/a%20b.parquet?a=1&a=2',
    );
  });

  it('asks with every header as a list, the payload declared unsigned unless the request declares its hash', () => {
    const req = withUnsignedPayload(request());
    const ask = toSignRequest(req, 'eu-west-1');
    assert.equal(ask.region, 'eu-west-1');
    assert.equal(ask.method, 'PUT');
    assert.equal(ask.uri, requestUri(req));
    assert.deepEqual(ask.headers['x-amz-content-sha256'], ['UNSIGNED-PAYLOAD']);
    assert.deepEqual(ask.headers['content-length'], ['3']);
    assert.equal(req.headers['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD', 'the request carries what is signed');
    const own = withUnsignedPayload(request({ headers: { 'X-Amz-Content-Sha256': 'abc' } }));
    assert.deepEqual(toSignRequest(own, 'us-east-1').headers, { 'X-Amz-Content-Sha256': ['abc'] });
  });

  it('applies the answer: its headers replace the same names case-insensitively, the rest stay', () => {
    class Req {
      constructor(readonly r: SignableRequest) {
        Object.assign(this, r);
      }
    }
    const req = new Req(request()) as unknown as SignableRequest;
    const uri = requestUri(req);
    const out = applySigned(req, uri, {
      uri,
      headers: {
        Authorization: ['AWS4-HMAC-SHA256 x'],
        'x-amz-user-agent': ['new'],
        'if-none-match': ['*'],
        v: ['a', 'b'],
      },
    });
    assert.ok(out instanceof Req, 'the prototype is kept');
    assert.deepEqual(out.headers, {
      host: '127.0.0.1:9000',
      'content-length': '3',
      Authorization: 'AWS4-HMAC-SHA256 x',
      'x-amz-user-agent': 'new',
      'if-none-match': '*',
      v: 'a,b',
    });
    assert.equal(req.headers['Authorization'], undefined, 'the request itself is not changed');
    assert.equal(out.path, req.path);
  });

  it('re-points the request when the answer names another URI', () => {
    const req = request();
    const out = applySigned(req, requestUri(req), {
      uri: 'https://s3.example:8443/lake/wh/t/data/x.parquet?x-id=PutObject&a=1&a=2',
      headers: {},
    });
    assert.equal(out.protocol, 'https:');
    assert.equal(out.hostname, 's3.example');
    assert.equal(out.port, 8443);
    assert.equal(out.path, '/lake/wh/t/data/x.parquet');
    assert.deepEqual(out.query, { 'x-id': 'PutObject', a: ['1', '2'] });
    assert.equal(out.headers['host'], 's3.example:8443');
  });

  it("finds a location's table signer segment by segment, the innermost when tables nest", () => {
    const signers = new Map([
      ['lake/wh/t', 't'],
      ['lake/wh/t/inner', 'inner'],
    ]);
    assert.equal(signerOf(signers, 'lake/wh/t/data/a.parquet'), 't');
    assert.equal(signerOf(signers, 'lake/wh/t'), 't');
    assert.equal(signerOf(signers, 'lake/wh/t/inner/data/a.parquet'), 'inner');
    assert.equal(signerOf(signers, 'lake/wh/t-2/data/a.parquet'), undefined);
    assert.equal(signerOf(signers, 'other/wh/t/a'), undefined);
  });
});
