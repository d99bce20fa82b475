import assert from 'node:assert/strict';
import { BadRequestError } from '../errors/index.ts';
import { parseS3Request } from './s3-request.ts';
import { signS3Request } from './s3-request-signer.ts';

const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrEXAMPLEKEY', sessionToken: 'tok' };
const parse = (method: string, headers: Record<string, string[]>) =>
  parseS3Request(
    { method, uri: 'http://127.0.0.1:9000/lake/wh/t/data/a.parquet?x-id=GetObject', headers },
    { endpoints: ['http://127.0.0.1:9000'], region: 'us-east-1' },
  );
const sign = (method: string, headers: Record<string, string[]>, extra?: Record<string, string>) =>
  signS3Request(parse(method, headers), {
    region: 'us-east-1',
    credentials: async () => KEYS,
    now: new Date('2026-12-01T00:00:00Z'),
    ...(extra ? { extra } : {}),
  });

describe('signS3Request (remote signing)', () => {
  it('answers only the headers the signature adds, signing the host and the client headers that stay put', async () => {
    const out = await sign('GET', {
      Range: ['bytes=0-3'],
      'User-Agent': ['java'],
      'amz-sdk-request': ['attempt=1; max=4'],
      'Content-Type': ['application/octet-stream'],
    });
    assert.deepEqual(Object.keys(out).sort(), [
      'authorization',
      'x-amz-content-sha256',
      'x-amz-date',
      'x-amz-security-token',
    ]);
    assert.deepEqual(out['x-amz-content-sha256'], ['UNSIGNED-PAYLOAD']);
    assert.deepEqual(out['x-amz-date'], ['20261201T000000Z']);
    const auth = out['authorization']![0]!;
    assert.match(auth, /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261201\/us-east-1\/s3\/aws4_request, /);
    assert.match(
      auth,
      /SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    // Same request, same instant: same signature (nothing random goes in).
    assert.deepEqual(await sign('GET', { Range: ['bytes=5-9'] }), await sign('GET', { Range: ['bytes=0-3'] }));
  });

  it("keeps the client's payload hash and signs the extra headers it is given", async () => {
    const out = await sign(
      'PUT',
      { 'x-amz-content-sha256': ['STREAMING-UNSIGNED-PAYLOAD-TRAILER'] },
      {
        'if-none-match': '*',
      },
    );
    assert.equal(out['x-amz-content-sha256'], undefined);
    assert.deepEqual(out['if-none-match'], ['*']);
    assert.match(out['authorization']![0]!, /SignedHeaders=host;if-none-match;x-amz-content-sha256;x-amz-date;/);
  });

  it('refuses a Host header that is not the URI host (400)', async () => {
    await assert.rejects(sign('GET', { Host: ['other:9000'] }), BadRequestError);
    assert.ok(await sign('GET', { Host: ['127.0.0.1:9000'] }));
  });
});
