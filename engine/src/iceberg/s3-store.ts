import { createHash } from 'node:crypto';
import { promises as fs, createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { StorageError } from '../errors/engine-error.ts';
import { splitS3, type ObjectStore, type S3Properties } from './files.ts';
import { putCreateOnly } from './s3-create-only-put.ts';
import { remoteSigningConfig } from './s3-remote-signer.ts';
import type { TableSigner } from './s3-signing.ts';

/** The object store of `s3://` locations, plus streaming an object to a local file. */
export interface S3Store extends ObjectStore {
  download(location: string, dest: string): Promise<void>;
}

/**
 * The SDK's default logger drops everything, except that a failed streamed upload is told on the console ("non-retryable
 * streaming request"); the engine retries those itself (s3-create-only-put.ts), so that line would only be noise.
 */
const QUIET = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The S3 store (files.ts imports this module only when an `s3://` location is used). `settings` gives the catalog's
 * settings for a location (its bucket's, and keys scoped to the table holding it where the catalog gave such); without them the standard AWS variables apply, read at each call so that a changed
 * environment takes effect. `signing` names the catalog signer of a location inside a table whose warehouse signs
 * (remote signing): requests for it are signed by the catalog and no keys are used. Clients are shared per distinct
 * settings.
 */
export function s3StoreWith(
  settings: (location: string) => S3Properties,
  signing: (location: string) => TableSigner | undefined = () => undefined,
): S3Store {
  const clients = new Map<string, S3Client>();
  const client = (location: string): S3Client => {
    const p = settings(location);
    const env = process.env;
    const endpoint = p['s3.endpoint'] ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
    const pathStyle = p['s3.path-style-access'] ?? env.RAT_S3_PATH_STYLE;
    const cfg: S3ClientConfig = {
      region: p['s3.region'] ?? p['client.region'] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
      forcePathStyle: pathStyle !== undefined ? pathStyle === 'true' : endpoint !== undefined,
      ...(endpoint ? { endpoint } : {}),
      logger: QUIET,
    };
    const signer = signing(location);
    const keys = signer
      ? { id: undefined, secret: undefined, token: undefined }
      : p['s3.access-key-id']
        ? { id: p['s3.access-key-id'], secret: p['s3.secret-access-key'], token: p['s3.session-token'] }
        : { id: env.AWS_ACCESS_KEY_ID, secret: env.AWS_SECRET_ACCESS_KEY, token: env.AWS_SESSION_TOKEN };
    if (signer) Object.assign(cfg, remoteSigningConfig(signer, cfg.region as string));
    else if (keys.id && keys.secret) {
      cfg.credentials = {
        accessKeyId: keys.id,
        secretAccessKey: keys.secret,
        ...(keys.token ? { sessionToken: keys.token } : {}),
      };
    }
    // The cache key holds the keys only as a hash, so no secret sits in a map key that could be printed. A signing
    // client is kept per signer endpoint and per identity it signs as (the catalog credentials may change).
    const signedAs = signer ? [signer.url, signer.auth.server, signer.auth.credentials ?? null] : null;
    const cacheKey = createHash('sha256')
      .update(JSON.stringify([cfg.region, cfg.forcePathStyle, endpoint, keys.id, keys.secret, keys.token, signedAs]))
      .digest('hex');
    let c = clients.get(cacheKey);
    if (!c) {
      c = new S3Client(cfg);
      clients.set(cacheKey, c);
    }
    return c;
  };

  return {
    async get(location) {
      const { bucket, key } = splitS3(location);
      try {
        const r = await client(location).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from(await r.Body!.transformToByteArray());
      } catch (err) {
        throw new StorageError(location, 'GetObject', err);
      }
    },
    // Both uploads are create-only aware: a 412 to a retried attempt that had landed is success (see putCreateOnly).
    put: async (location, data) => putCreateOnly(client(location), location, { bytes: data }),
    putFile: async (location, localFile) => putCreateOnly(client(location), location, { file: localFile }),
    async list(prefix) {
      const { bucket, key } = splitS3(prefix);
      const out: string[] = [];
      let token: string | undefined;
      try {
        do {
          const r = await client(prefix).send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }),
          );
          for (const o of r.Contents ?? []) if (o.Key && !o.Key.endsWith('/')) out.push(`s3://${bucket}/${o.Key}`);
          token = r.IsTruncated ? r.NextContinuationToken : undefined;
        } while (token);
      } catch (err) {
        throw new StorageError(prefix, 'ListObjectsV2', err);
      }
      return out.sort();
    },
    async download(location, dest) {
      const { bucket, key } = splitS3(location);
      try {
        const r = await client(location).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        await pipeline(r.Body as Readable, createWriteStream(dest));
      } catch (err) {
        await fs.rm(dest, { force: true });
        throw new StorageError(location, 'GetObject', err);
      }
    },
  };
}
