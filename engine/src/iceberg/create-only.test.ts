import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  isCreateOnlyRefusal,
  isTransientUploadError,
  isWriteConflict,
  judgeExisting,
  UPLOAD_RETRY_DELAYS_MS,
} from './create-only.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('create-only uploads: the verdict on a 412', () => {
  const local = { size: 4, md5: md5('PAR1') };

  it('an object of the same size whose ETag is the MD5 of the upload is the upload itself', () => {
    assert.equal(judgeExisting(local, { size: 4, etag: `"${md5('PAR1')}"` }), 'identical');
    // Servers differ in quoting and case; a weak marker changes nothing.
    assert.equal(judgeExisting(local, { size: 4, etag: md5('PAR1').toUpperCase() }), 'identical');
    assert.equal(judgeExisting(local, { size: 4, etag: `W/"${md5('PAR1')}"` }), 'identical');
    assert.equal(judgeExisting(local, { etag: `"${md5('PAR1')}"` }), 'identical', 'no size in the head');
  });

  it('a size that differs is another object, whatever the ETag', () => {
    assert.equal(judgeExisting(local, { size: 5, etag: `"${md5('PAR1')}"` }), 'different');
    assert.equal(judgeExisting(local, { size: 0 }), 'different');
  });

  it('an ETag that does not match proves nothing (SSE-KMS, multipart): the bytes are compared', () => {
    assert.equal(judgeExisting(local, { size: 4, etag: `"${md5('XXXX')}"` }), 'compare-bytes');
    assert.equal(judgeExisting(local, { size: 4, etag: `"${md5('PAR1')}-2"` }), 'compare-bytes');
    assert.equal(judgeExisting(local, { size: 4 }), 'compare-bytes');
    assert.equal(judgeExisting(local, {}), 'compare-bytes');
  });

  it('a 412 (PreconditionFailed) is the create-only refusal; other statuses are not', () => {
    assert.ok(isCreateOnlyRefusal({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } }));
    assert.ok(isCreateOnlyRefusal({ name: 'Unknown', $metadata: { httpStatusCode: 412 } }));
    assert.ok(isCreateOnlyRefusal({ name: 'PreconditionFailed', $metadata: {} }));
    assert.ok(isCreateOnlyRefusal({ $response: { statusCode: 412 } }));
    assert.ok(!isCreateOnlyRefusal({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    assert.ok(!isCreateOnlyRefusal(new Error('socket hang up')));
    assert.ok(!isCreateOnlyRefusal(undefined));
  });
});

describe('create-only uploads: which failures are retried', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });
  const s3Error = (name: string, status: number) =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
  const signError = (status: number) => Object.assign(new Error('sign'), { code: 'S3_SIGN_FAILED', status });

  it('no answer, throttling and server errors are retried', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED'])
      assert.ok(isTransientUploadError(withCode(code)), code);
    assert.ok(isTransientUploadError(Object.assign(new Error('t'), { name: 'TimeoutError' })));
    assert.ok(isTransientUploadError(s3Error('InternalError', 500)));
    assert.ok(isTransientUploadError(s3Error('ServiceUnavailable', 503)));
    assert.ok(isTransientUploadError(s3Error('SlowDown', 429)));
    assert.ok(isTransientUploadError(signError(0)), 'the catalog did not answer the sign request');
    assert.ok(isTransientUploadError(signError(503)));
  });

  it('a conflict with a concurrent conditional write is retried (S3 asks for it), other 409s are not', () => {
    assert.ok(isWriteConflict(s3Error('ConditionalRequestConflict', 409)));
    assert.ok(isWriteConflict(s3Error('OperationAborted', 409)));
    assert.ok(isTransientUploadError(s3Error('ConditionalRequestConflict', 409)));
    assert.ok(!isWriteConflict(s3Error('BucketAlreadyExists', 409)));
    assert.ok(!isTransientUploadError(s3Error('BucketAlreadyExists', 409)));
    assert.ok(!isWriteConflict(s3Error('PreconditionFailed', 412)));
  });

  it('refusals and local errors are final', () => {
    assert.ok(!isTransientUploadError(s3Error('AccessDenied', 403)));
    assert.ok(!isTransientUploadError(s3Error('PreconditionFailed', 412)));
    assert.ok(!isTransientUploadError(signError(403)), 'the catalog refused to sign');
    assert.ok(!isTransientUploadError(withCode('ENOENT')));
    assert.ok(!isTransientUploadError(new TypeError('bad')));
    assert.ok(!isTransientUploadError(undefined));
  });

  it('gives up after a bounded number of attempts', () => {
    assert.ok(UPLOAD_RETRY_DELAYS_MS.length >= 1 && UPLOAD_RETRY_DELAYS_MS.length <= 5);
    assert.ok(UPLOAD_RETRY_DELAYS_MS.every((d, i) => d > 0 && d >= (UPLOAD_RETRY_DELAYS_MS[i - 1] ?? 0)));
  });
});
