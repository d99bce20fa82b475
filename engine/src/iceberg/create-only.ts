/**
 * Uploads under create-only writes, the pure half: what a 412 to a `PutObject` means, and which failures are worth
 * another attempt. The IO (the PUT, the HEAD and the read-back) is in s3-create-only-put.ts.
 *
 * With remote signing every write is signed `If-None-Match: *`, so S3 answers 412 Precondition Failed when the key
 * exists. An attempt whose answer was lost (a reset connection, a timeout, a 5xx sent after the object landed) is
 * retried, and that retry then gets 412 although the object is the very one being uploaded. So a 412 is not a failure
 * by itself: the object there is compared with the bytes being uploaded, and only a different one is an error.
 */

/** The bytes being uploaded, as far as the verdict needs them (lowercase hex digests). */
export interface LocalBytes {
  size: number;
  md5: string;
}

/** What a `HeadObject` says of the object already at the key. */
export interface ExistingObject {
  size?: number;
  etag?: string;
}

/**
 * `identical`: the object is the upload (a retry of a write that landed); `different`: another object holds the name;
 * `compare-bytes`: the head cannot tell, read the object back and compare.
 */
export type ExistingVerdict = 'identical' | 'different' | 'compare-bytes';

/**
 * The verdict on an object found at the key of a create-only upload, from its size and ETag. A single-part upload's
 * ETag is the MD5 of its bytes on S3 and S3-compatible servers; but not with SSE-KMS/SSE-C or when the object was
 * written in parts (`<md5>-<parts>`), so an ETag that does not match proves nothing: only a size that differs does.
 *
 * @example judgeExisting({ size: 4, md5: 'b5b0…' }, { size: 4, etag: '"b5b0…"' }) // 'identical'
 */
export function judgeExisting(local: LocalBytes, existing: ExistingObject): ExistingVerdict {
  if (existing.size !== undefined && existing.size !== local.size) return 'different';
  const etag = normalEtag(existing.etag);
  if (etag !== undefined && /^[0-9a-f]{32}$/.test(etag) && etag === local.md5.toLowerCase()) return 'identical';
  return 'compare-bytes';
}

/** `"ABC"`, `W/"abc"` → `abc`: the quoted form S3 answers, weak marker and case aside. */
function normalEtag(etag: string | undefined): string | undefined {
  if (!etag) return undefined;
  return etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1')
    .toLowerCase();
}

/** The HTTP status of an SDK error (`$metadata.httpStatusCode`, else the raw response's), if it has one. */
function statusOf(err: unknown): number | undefined {
  const e = err as { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } } | undefined;
  return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
}

/**
 * True when S3 refused a write because the key exists: 412 (`PreconditionFailed`) to `If-None-Match: *`.
 *
 * @example isCreateOnlyRefusal({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } }) // true
 */
export function isCreateOnlyRefusal(err: unknown): boolean {
  return statusOf(err) === 412 || (err as { name?: string } | undefined)?.name === 'PreconditionFailed';
}

/**
 * True when S3 refused a conditional write because another one on the same key was under way (409
 * `ConditionalRequestConflict`, or `OperationAborted`), as when a retry overtakes an attempt S3 is still storing. S3
 * asks for the request to be retried; the SDK does not retry a 409.
 *
 * @example isWriteConflict({ name: 'ConditionalRequestConflict', $metadata: { httpStatusCode: 409 } }) // true
 */
export function isWriteConflict(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name;
  return name === 'ConditionalRequestConflict' || (name === 'OperationAborted' && statusOf(err) === 409);
}

/** Node's codes for a connection that failed or broke before an answer came. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
]);

/**
 * True for a failure another attempt may not meet: no answer (a broken or refused connection, a timeout), throttling
 * (429, `SlowDown`), a server error (5xx), from S3 or from the catalog's signer, or a conflicting concurrent write. A
 * refusal (403, a refused signature, 412) or a local error is final. Used for streamed uploads, which the SDK does not
 * retry itself.
 *
 * @example isTransientUploadError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })) // true
 */
export function isTransientUploadError(err: unknown): boolean {
  const e = err as { name?: string; code?: string | number; status?: number } | undefined;
  if (isWriteConflict(err)) return true;
  if (e?.code === 'S3_SIGN_FAILED') return e.status === 0 || (e.status ?? 0) >= 500;
  const status = statusOf(err);
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  if (typeof e?.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  return ['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'SlowDown'].includes(e?.name ?? '');
}

/** Waits before each further attempt of an upload the engine retries itself: 3 more attempts, backing off. */
export const UPLOAD_RETRY_DELAYS_MS: readonly number[] = [200, 1_000, 3_000];
