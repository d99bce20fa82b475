import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, SourceData } from '@smithy/types';
import { BadRequestError } from '../errors/index.ts';
import type { S3Request } from './s3-request.ts';

/**
 * Headers a client may change between signing and sending, or that S3 never checks: left out of the signature (and
 * of the answer) so retries and ranged reads keep working. The SDKs rewrite their `amz-sdk-*` headers per attempt.
 */
const UNSIGNED = new Set(['range', 'user-agent', 'amz-sdk-invocation-id', 'amz-sdk-request', 'amz-sdk-retry']);
/** Headers the signature sets itself; a client's own values would be stale or forged. */
const REPLACED = new Set(['authorization', 'x-amz-date', 'x-amz-security-token']);

/** SHA-256 and HMAC-SHA256 from node:crypto in the shape the SigV4 signer takes. */
class NodeSha256 {
  readonly #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }

  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
}

function bytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/**
 * Signs a parsed S3 request with AWS SigV4 for the client that will send it, and returns the headers the client must
 * add (as the S3 signer protocol answers them, values in lists): `Authorization`, `X-Amz-Date`, the payload hash and
 * a session token when the keys have one. The payload is never signed (the client has not sent it here): it is
 * `UNSIGNED-PAYLOAD` unless the client declared its own `x-amz-content-sha256`. `extra` headers are signed and
 * returned too, so S3 refuses the request without them (the signer makes object writes create-only this way).
 *
 * @example const headers = await signS3Request(parsed, { region: 'us-east-1', credentials: async () => keys })
 */
export async function signS3Request(
  req: S3Request,
  opts: {
    region: string;
    credentials: () => Promise<AwsCredentialIdentity>;
    extra?: Record<string, string>;
    now?: Date;
  },
): Promise<Record<string, string[]>> {
  const host = req.target.port === undefined ? req.target.hostname : `${req.target.hostname}:${req.target.port}`;
  const given = req.headers['host'];
  if (given !== undefined && given.toLowerCase() !== host.toLowerCase()) {
    throw new BadRequestError(`Invalid S3 sign request: its Host header "${given}" is not the URI's host "${host}".`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!REPLACED.has(name) && name !== 'host') headers[name] = value;
  }
  const added: Record<string, string> = { ...opts.extra };
  if (headers['x-amz-content-sha256'] === undefined) added['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  Object.assign(headers, added, { host });

  const signer = new SignatureV4({
    service: 's3',
    region: opts.region,
    credentials: opts.credentials,
    sha256: NodeSha256,
    // S3 signs the path as sent, not encoded a second time.
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: req.target.protocol,
      hostname: req.target.hostname,
      ...(req.target.port !== undefined ? { port: req.target.port } : {}),
      path: req.target.path,
      query: req.target.query,
      headers,
    },
    { signingDate: opts.now ?? new Date(), unsignableHeaders: UNSIGNED },
  );
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    const n = name.toLowerCase();
    if (REPLACED.has(n) || Object.hasOwn(added, n)) out[name] = [value];
  }
  return out;
}
