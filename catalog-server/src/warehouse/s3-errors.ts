import { RatError, StorageAccessDeniedError, StorageUnavailableError } from '../errors/index.ts';

/** What the AWS SDK attaches to a failed call: `name` is the S3 error code, `$metadata` the HTTP status. */
interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
  cause?: unknown;
}

function shape(err: unknown): SdkErrorShape {
  return typeof err === 'object' && err !== null ? (err as SdkErrorShape) : {};
}

function httpStatus(err: unknown): number | undefined {
  return shape(err).$metadata?.httpStatusCode;
}

/**
 * A missing key (GetObject `NoSuchKey`, HeadObject's bodiless `NotFound`). Other 404s with a named code (a missing
 * bucket, versitygw's unknown access key) are not this.
 */
export function isNotFound(err: unknown): boolean {
  const e = shape(err);
  if (e.name === 'NoSuchKey' || e.name === 'NotFound') return true;
  return httpStatus(err) === 404 && (e.name === undefined || e.name === 'Unknown' || e.name === 'UnknownError');
}

/** `If-None-Match: *` refused because the key exists (412), or a concurrent conditional write won (409). */
export function isPreconditionFailed(err: unknown): boolean {
  const e = shape(err);
  const status = httpStatus(err);
  return e.name === 'PreconditionFailed' || status === 412 || e.name === 'ConditionalRequestConflict';
}

/** The store does not implement a header or operation we sent. */
export function isNotImplemented(err: unknown): boolean {
  const e = shape(err);
  return e.name === 'NotImplemented' || httpStatus(err) === 501;
}

const ACCESS_CODES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'AllAccessDisabled',
  'CredentialsProviderError',
  // versitygw's answer (HTTP 404) to an access key id it does not know.
  'XAdminUserNotFound',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
  'RequestTimeout',
]);

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = shape(e).cause, depth++) {
    const s = shape(e);
    if (s.code && NETWORK_CODES.has(s.code)) return s.code;
    if (s.name && NETWORK_CODES.has(s.name)) return s.name;
  }
  return undefined;
}

/**
 * Turns an AWS SDK failure into the catalog's typed storage errors. Messages carry the warehouse, operation, endpoint
 * and S3 error code, never credentials.
 *
 * @example catch (err) { throw toStorageError(err, { warehouse: 's3://b/wh', operation: 'write', location, endpoint }) }
 */
export function toStorageError(
  err: unknown,
  ctx: { warehouse: string; operation: string; location: string; endpoint: string },
): Error {
  if (err instanceof RatError) return err;
  const e = shape(err);
  const status = httpStatus(err);
  const s3Code = e.name && e.name !== 'Error' ? e.name : undefined;
  const base = { warehouse: ctx.warehouse, operation: ctx.operation, location: ctx.location, endpoint: ctx.endpoint };

  if ((s3Code && ACCESS_CODES.has(s3Code)) || status === 403 || status === 401) {
    return new StorageAccessDeniedError(
      `The object store at ${ctx.endpoint} refused the catalog's credentials for ${ctx.operation} on ${ctx.location}` +
        ` (${s3Code ?? `HTTP ${status}`}). Nothing was changed. Check the server's AWS_ACCESS_KEY_ID /` +
        ` AWS_SECRET_ACCESS_KEY (or the warehouse's configured keys) and the bucket policy.`,
      { ...base, s3Code },
    );
  }
  const net = networkCode(err);
  if (net) {
    return new StorageUnavailableError(
      `The object store at ${ctx.endpoint} is unreachable (${net}) during ${ctx.operation} on ${ctx.location}.` +
        ` Nothing was changed. Check that it is running and that the endpoint (AWS_ENDPOINT_URL_S3 /` +
        ` AWS_ENDPOINT_URL or the warehouse's endpoint) is right, then retry.`,
      { ...base, reason: 'unreachable', s3Code: net },
    );
  }
  if (s3Code === 'NoSuchBucket') {
    return new StorageUnavailableError(
      `The bucket of warehouse ${ctx.warehouse} does not exist at ${ctx.endpoint}. Nothing was changed.` +
        ` Create the bucket or fix the warehouse URI.`,
      { ...base, reason: 'no-such-bucket', s3Code },
    );
  }
  return new StorageUnavailableError(
    `The object store at ${ctx.endpoint} failed ${ctx.operation} on ${ctx.location}` +
      ` (${s3Code ?? 'error'}${status ? `, HTTP ${status}` : ''}: ${e.message ?? 'no message'}). Nothing was changed; retry.`,
    { ...base, reason: 's3-error', s3Code },
  );
}
