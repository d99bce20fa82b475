import { BadRequestError, SignRequestRefusedError } from '../errors/index.ts';

/**
 * What an S3 request a client asks the catalog to sign (remote signing) does, read from its method, URL and headers
 * alone (pure). The signature covers exactly the request read here, so what S3 executes is what was checked: the
 * host and path are signed as the client sends them, the query as parsed here (S3 answers a different reading with
 * `SignatureDoesNotMatch`).
 */

/** The S3 operations the signer recognises. Anything else is refused before any scope check. */
export type S3Operation =
  | 'get-object'
  | 'head-object'
  | 'list-parts'
  | 'list-objects'
  | 'put-object'
  | 'create-multipart-upload'
  | 'upload-part'
  | 'complete-multipart-upload'
  | 'abort-multipart-upload'
  | 'delete-object'
  | 'delete-objects';

/** One S3 request, parsed. */
export interface S3Request {
  method: string;
  operation: S3Operation;
  bucket: string;
  /** The object key, decoded ('' for a bucket-level request such as a listing). */
  key: string;
  /** A listing's `prefix`, decoded ('' when absent). */
  prefix: string;
  /** Where the request goes, as the signer needs it: the path as sent (still encoded), the query decoded. */
  target: {
    protocol: 'http:' | 'https:';
    hostname: string;
    port?: number;
    path: string;
    query: Record<string, string>;
  };
  /** Header names lower-cased, repeated values joined with a comma (as HTTP combines them). */
  headers: Record<string, string>;
}

/** Where a warehouse's S3 requests may go: its custom endpoints (the server's and the clients'), or AWS in a region. */
export interface S3Addressing {
  /** Custom endpoints as origins (`http://127.0.0.1:9000`); empty for AWS S3. */
  endpoints: readonly string[];
  region: string;
}

const URI = /^(https?):\/\/([^/?#@\s]+)([^?#\s]*)(?:\?([^#\s]*))?$/i;

/** Query parameters each operation may carry; `x-id` is an SDK hint S3 ignores. */
const LIST_PARAMS = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'continuation-token',
  'start-after',
  'max-keys',
  'encoding-type',
  'fetch-owner',
  'marker',
  'x-id',
]);
const OBJECT_READ_PARAMS = new Set(['partNumber', 'versionId', 'x-id']);

/**
 * Headers that would give a write more reach than its key: ACLs and grants (an object readable by anyone), object
 * locks and legal holds (objects garbage collection could never delete), server-side copies (a read of another key).
 */
const REFUSED_HEADERS = [/^x-amz-acl$/, /^x-amz-grant-/, /^x-amz-object-lock-/, /^x-amz-copy-source/];

/**
 * Parses a sign request's S3 request against the warehouse's addressing: the host must be one of its endpoints
 * (path style: `host/bucket/key`) or a bucket below one (virtual-hosted style: `bucket.host/key`). A malformed
 * request is a 400; a request to another host, an operation the signer does not know, or a refused header a 403.
 *
 * @example parseS3Request({ method: 'GET', uri: 'http://127.0.0.1:9000/lake/wh/t/data/a.parquet', headers: {} },
 *   { endpoints: ['http://127.0.0.1:9000'], region: 'us-east-1' }) // { operation: 'get-object', bucket: 'lake', key: 'wh/t/data/a.parquet', … }
 */
export function parseS3Request(
  input: { method: string; uri: string; headers: Record<string, readonly string[]> },
  addressing: S3Addressing,
): S3Request {
  const m = URI.exec(input.uri);
  if (!m) throw bad(`Not an http(s) URL without user info or fragment: "${input.uri}".`, input.uri);
  const protocol = m[1]!.toLowerCase() === 'https' ? 'https:' : 'http:';
  let origin: URL;
  try {
    origin = new URL(`${protocol}//${m[2]}`);
  } catch {
    throw bad(`"${input.uri}" has an invalid host.`, input.uri);
  }
  const rawPath = m[3] === '' ? '/' : m[3]!;
  const query = parseQuery(m[4] ?? '', input.uri);
  const headers = lowerCaseHeaders(input.headers);

  const { bucket, rawKey } = addressOf(origin, rawPath, addressing, input.uri);
  const key = decodePart(rawKey, input.uri);
  const method = input.method.toUpperCase();
  const operation = operationOf(method, key, query, input.uri);
  for (const name of Object.keys(headers)) {
    if (REFUSED_HEADERS.some((r) => r.test(name))) {
      throw new SignRequestRefusedError(
        `The catalog does not sign requests with the "${name}" header: ACLs, object locks and server-side copies ` +
          `reach beyond the table's own files.`,
        { reason: 'header', header: name },
      );
    }
  }
  if (isWrite(operation) && headers['if-match'] !== undefined) {
    throw new SignRequestRefusedError(
      'The catalog signs writes that create objects only; "If-Match" asks to replace an existing one.',
      { reason: 'header', header: 'if-match' },
    );
  }
  const payload = headers['x-amz-content-sha256'];
  if (payload !== undefined && payload.startsWith('STREAMING-') && !payload.startsWith('STREAMING-UNSIGNED')) {
    throw new BadRequestError(
      `Signed streaming payloads (${payload}) need the signing key for every chunk; send an unsigned payload ` +
        `(UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER).`,
      { header: 'x-amz-content-sha256' },
    );
  }
  return {
    method,
    operation,
    bucket,
    key,
    prefix: query['prefix'] ?? '',
    target: {
      protocol,
      hostname: origin.hostname,
      ...(origin.port ? { port: Number(origin.port) } : {}),
      path: rawPath,
      query,
    },
    headers,
  };
}

/** True for the operations that create or change objects (what needs the right to commit on the ref). */
export function isWrite(operation: S3Operation): boolean {
  return !['get-object', 'head-object', 'list-parts', 'list-objects'].includes(operation);
}

/** The bucket and the still-encoded key a request addresses, from its host and path. */
function addressOf(
  origin: URL,
  rawPath: string,
  addressing: S3Addressing,
  uri: string,
): { bucket: string; rawKey: string } {
  const host = origin.host.toLowerCase();
  const hosts =
    addressing.endpoints.length > 0
      ? addressing.endpoints.map((e) => new URL(e)).filter((e) => e.protocol === origin.protocol)
      : origin.protocol === 'https:'
        ? [
            's3.amazonaws.com',
            `s3.${addressing.region}.amazonaws.com`,
            `s3.dualstack.${addressing.region}.amazonaws.com`,
          ].map((h) => new URL(`https://${h}`))
        : [];
  if (!rawPath.startsWith('/')) throw bad(`"${uri}" has no path.`, uri);
  for (const endpoint of hosts) {
    const base = endpoint.host.toLowerCase();
    // A custom endpoint may sit under a path (a proxy); requests for it carry that path first.
    const basePath = endpoint.pathname.replace(/\/+$/, '');
    if (basePath && !rawPath.startsWith(`${basePath}/`)) continue;
    const path = rawPath.slice(basePath.length);
    if (host === base) {
      // Path style: /bucket/key. An encoded slash in the bucket segment would be read differently by S3.
      const cut = path.indexOf('/', 1);
      const rawBucket = cut < 0 ? path.slice(1) : path.slice(1, cut);
      const bucket = decodePart(rawBucket, uri);
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw bad(`"${uri}" names no valid bucket.`, uri);
      return { bucket, rawKey: cut < 0 ? '' : path.slice(cut + 1) };
    }
    if (host.endsWith(`.${base}`)) {
      const bucket = host.slice(0, -(base.length + 1));
      return { bucket, rawKey: path.slice(1) };
    }
  }
  throw new SignRequestRefusedError(
    `The catalog signs requests to this warehouse's S3 endpoint only, not to "${origin.host}".`,
    { reason: 'endpoint', host: origin.host },
  );
}

function operationOf(method: string, key: string, query: Record<string, string>, uri: string): S3Operation {
  const names = Object.keys(query);
  const only = (allowed: Set<string>) => names.every((n) => allowed.has(n));
  const has = (n: string) => query[n] !== undefined;
  if (key === '') {
    if (method === 'GET' && !has('uploads') && only(LIST_PARAMS)) return 'list-objects';
    if (method === 'POST' && has('delete') && names.length === 1) return 'delete-objects';
  } else {
    if (method === 'GET' && has('uploadId') && only(new Set(['uploadId', 'max-parts', 'part-number-marker', 'x-id'])))
      return 'list-parts';
    if (method === 'GET' && only(OBJECT_READ_PARAMS)) return 'get-object';
    if (method === 'HEAD' && only(OBJECT_READ_PARAMS)) return 'head-object';
    if (method === 'PUT' && only(new Set(['x-id']))) return 'put-object';
    if (method === 'PUT' && has('uploadId') && has('partNumber') && only(new Set(['uploadId', 'partNumber', 'x-id'])))
      return 'upload-part';
    if (method === 'POST' && has('uploads') && only(new Set(['uploads', 'x-id']))) return 'create-multipart-upload';
    if (method === 'POST' && has('uploadId') && only(new Set(['uploadId', 'x-id']))) return 'complete-multipart-upload';
    if (method === 'DELETE' && has('uploadId') && only(new Set(['uploadId', 'x-id']))) return 'abort-multipart-upload';
    if (method === 'DELETE' && only(new Set(['versionId', 'x-id']))) return 'delete-object';
  }
  throw new SignRequestRefusedError(
    `The catalog signs object reads, writes and listings only; ${method} ${key === '' ? 'on a bucket' : 'on an object'}` +
      `${names.length ? ` with ${names.map((n) => `"${n}"`).join(', ')}` : ''} is not one of them.`,
    { reason: 'operation', method, uri },
  );
}

function parseQuery(raw: string, uri: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodePart(eq < 0 ? part : part.slice(0, eq), uri);
    const value = eq < 0 ? '' : decodePart(part.slice(eq + 1), uri);
    // Two values for one name would leave it to S3 which one counts.
    if (Object.hasOwn(out, name)) throw bad(`"${uri}" repeats the query parameter "${name}".`, uri);
    out[name] = value;
  }
  return out;
}

function lowerCaseHeaders(headers: Record<string, readonly string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(headers)) {
    const n = name.toLowerCase();
    out[n] = out[n] === undefined ? values.join(',') : `${out[n]},${values.join(',')}`;
  }
  return out;
}

function decodePart(raw: string, uri: string): string {
  let s: string;
  try {
    s = decodeURIComponent(raw);
  } catch {
    throw bad(`"${uri}" holds malformed percent-encoding.`, uri);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) throw bad(`"${uri}" holds control characters.`, uri);
  return s;
}

function bad(message: string, uri: string): BadRequestError {
  return new BadRequestError(`Invalid S3 sign request: ${message}`, { uri });
}
