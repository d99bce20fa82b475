import assert from 'node:assert/strict';
import { isNotFound, isPreconditionFailed, toStorageError } from './s3-errors.ts';

const ctx = { warehouse: 's3://b/wh', operation: 'write', location: 's3://b/wh/x', endpoint: 'http://127.0.0.1:9' };

function sdkError(name: string, status?: number): Error {
  return Object.assign(new Error('UnknownError'), { name, $metadata: { httpStatusCode: status } });
}

describe('S3 error mapping', () => {
  it('maps refused credentials to STORAGE_ACCESS_DENIED (403)', () => {
    for (const name of ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'XAdminUserNotFound']) {
      const e = toStorageError(sdkError(name, 403), ctx) as Error & { code: string };
      assert.equal(e.code, 'STORAGE_ACCESS_DENIED', name);
    }
    assert.equal((toStorageError(sdkError('Unknown', 403), ctx) as { code?: string }).code, 'STORAGE_ACCESS_DENIED');
  });

  it('maps network failures, found in the cause chain too, to STORAGE_UNAVAILABLE (503)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const wrapped = Object.assign(new Error('wrapped'), { cause: refused });
    for (const err of [refused, wrapped, sdkError('TimeoutError')]) {
      const e = toStorageError(err, ctx) as Error & { code: string; data: { reason: string } };
      assert.equal(e.code, 'STORAGE_UNAVAILABLE');
      assert.equal(e.data.reason, 'unreachable');
    }
  });

  it('maps a missing bucket and other S3 errors to STORAGE_UNAVAILABLE with a reason', () => {
    const nb = toStorageError(sdkError('NoSuchBucket', 404), ctx) as Error & { data: { reason: string } };
    assert.equal(nb.data.reason, 'no-such-bucket');
    const other = toStorageError(sdkError('InternalError', 500), ctx) as Error & {
      code: string;
      data: { reason: string };
    };
    assert.equal(other.code, 'STORAGE_UNAVAILABLE');
    assert.equal(other.data.reason, 's3-error');
  });

  it('tells missing keys from other 404s', () => {
    assert.equal(isNotFound(sdkError('NoSuchKey', 404)), true);
    assert.equal(isNotFound(sdkError('NotFound', 404)), true);
    assert.equal(isNotFound(sdkError('NoSuchBucket', 404)), false);
    assert.equal(isNotFound(sdkError('XAdminUserNotFound', 404)), false);
  });

  it('recognises a refused If-None-Match', () => {
    assert.equal(isPreconditionFailed(sdkError('PreconditionFailed', 412)), true);
    assert.equal(isPreconditionFailed(sdkError('AccessDenied', 403)), false);
  });
});
