import { randomUUID } from 'node:crypto';
import type * as AwsS3 from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { CredentialVendor, RemoteSigner, StoredObject, WarehouseIO } from './warehouse-io.ts';
import { sdkAssumeRole, StsCredentialVendor } from './s3-sts-vendor.ts';
import {
  parseS3Uri,
  resolveS3Settings,
  s3ClientConfig,
  type ClientAccess,
  type ResolvedS3Settings,
  type S3Options,
} from './s3-config.ts';
import { signS3Request } from './s3-request-signer.ts';
import { toStorageError, isNotFound, isPreconditionFailed, isNotImplemented } from './s3-errors.ts';
import { BadRequestError, StorageObjectExistsError, StorageObjectNotFoundError } from '../errors/index.ts';

type Sdk = typeof AwsS3;
type S3Client = AwsS3.S3Client;
let sdkLoading: Promise<Sdk> | undefined;

/** The AWS SDK, imported when an S3 warehouse is first used: it takes ~160 ms, which a file warehouse never needs. */
function awsSdk(): Promise<Sdk> {
  sdkLoading ??= import('@aws-sdk/client-s3');
  return sdkLoading;
}

/** Settings as shown to people and logs: everything except the keys. */
export type PublicS3Settings = Omit<ResolvedS3Settings, 'credentials'> & { staticCredentials: boolean };

/**
 * Warehouse on S3 or an S3-compatible store (MinIO, Ceph, R2, versitygw). Each write is a single PutObject, which S3
 * makes visible atomically and durably; `ifAbsent` writes send `If-None-Match: *` so two writers cannot both create
 * the same metadata file. Stores that ignore that header are detected once (a probe object under the warehouse root)
 * and fall back to check-then-put.
 *
 * @example const io = new S3WarehouseIO('s3://lake/warehouse', { endpoint: 'http://127.0.0.1:9000' });
 *          await io.write('s3://lake/warehouse/t/metadata/00000-x.metadata.json', json, { ifAbsent: true });
 */
export class S3WarehouseIO implements WarehouseIO {
  readonly root: string;
  readonly #settings: ResolvedS3Settings;
  #s3: Promise<{ client: S3Client; sdk: Sdk }> | undefined;
  #client: S3Client | undefined;
  #conditional: Promise<boolean> | undefined;
  #vendor: StsCredentialVendor | undefined;
  #closeSts: (() => void) | undefined;

  constructor(uri: string, options: S3Options = {}, env: Record<string, string | undefined> = process.env) {
    this.#settings = resolveS3Settings(uri, options, env);
    const { bucket, prefix } = this.#settings;
    this.root = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
    const s = this.#settings;
    if (s.conditionalWrites === 'on') this.#conditional = Promise.resolve(true);
    if (s.conditionalWrites === 'off') this.#conditional = Promise.resolve(false);
  }

  /** The S3 client and the SDK's commands, made on first use. */
  #sdk(): Promise<{ client: S3Client; sdk: Sdk }> {
    this.#s3 ??= awsSdk().then((sdk) => {
      const s = this.#settings;
      this.#client = new sdk.S3Client({
        region: s.region,
        endpoint: s.endpoint,
        forcePathStyle: s.pathStyle,
        credentials: s.credentials,
        maxAttempts: s.maxAttempts,
        // S3-compatible stores lag behind AWS on the newer default checksums; only send them where S3 requires one.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestHandler: { connectionTimeout: s.connectionTimeoutMs, requestTimeout: 120_000 },
      });
      return { client: this.#client, sdk };
    });
    return this.#s3;
  }

  /** The resolved settings without secrets, for `/v1/config`, docs and log lines. */
  get settings(): PublicS3Settings {
    const { credentials, ...rest } = this.#settings;
    return { ...rest, staticCredentials: credentials !== undefined };
  }

  /** Keeps the keys out of `console.log(io)` and `JSON.stringify(io)`. */
  toJSON(): Record<string, unknown> {
    return { root: this.root, ...this.settings };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `S3WarehouseIO ${JSON.stringify(this.toJSON())}`;
  }

  async read(location: string): Promise<Buffer> {
    const { bucket, key } = this.#locate(location);
    try {
      const { client, sdk } = await this.#sdk();
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await res.Body!.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      if (isNotFound(err)) throw new StorageObjectNotFoundError(location);
      throw this.#fail(err, 'read', location);
    }
  }

  async write(location: string, data: Buffer | string, opts: { ifAbsent?: boolean } = {}): Promise<void> {
    const { bucket, key } = this.#locate(location);
    const body = typeof data === 'string' ? Buffer.from(data) : data;
    if (!opts.ifAbsent) {
      await this.#put(bucket, key, body, location, false);
      return;
    }
    if (await this.#supportsConditionalPut()) {
      await this.#put(bucket, key, body, location, true);
      return;
    }
    if (await this.exists(location)) throw new StorageObjectExistsError(location);
    await this.#put(bucket, key, body, location, false);
  }

  async exists(location: string): Promise<boolean> {
    const { bucket, key } = this.#locate(location);
    try {
      const { client, sdk } = await this.#sdk();
      await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw this.#fail(err, 'exists', location);
    }
  }

  async delete(location: string): Promise<void> {
    const { bucket, key } = this.#locate(location);
    try {
      const { client, sdk } = await this.#sdk();
      await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw this.#fail(err, 'delete', location);
    }
  }

  /**
   * Every object under the folder `prefix` (recursively), sorted by key: what GC sweeps, and what readers of landing
   * files (the engine's S3 ingest) read.
   *
   * @example for (const f of await io.list('s3://lake/landing/orders')) await io.read(f.location)
   */
  async list(prefix: string): Promise<Array<StoredObject & { etag?: string }>> {
    const { bucket, key } = this.#locate(prefix);
    const dirKey = key === '' || key.endsWith('/') ? key : `${key}/`;
    const out: Array<StoredObject & { etag?: string }> = [];
    let token: string | undefined;
    try {
      const { client, sdk } = await this.#sdk();
      do {
        const page = await client.send(
          new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: dirKey, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          if (o.Key === undefined) continue;
          out.push({
            location: `s3://${bucket}/${o.Key}`,
            size: o.Size ?? 0,
            etag: o.ETag,
            lastModified: o.LastModified,
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.#fail(err, 'list', prefix);
    }
    return out.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  }

  /** S3 has no directories: writers create keys directly. */
  async prepareDirectory(_location: string): Promise<void> {}

  clientConfig(opts: ClientAccess = {}): Record<string, string> {
    return s3ClientConfig(this.#settings, opts);
  }

  /**
   * Signs clients' requests with the warehouse's keys when its policy is `remote-signing`. Requests may go to the
   * server's endpoint or the one handed to clients; keys from the SDK's default chain (an instance role) are resolved
   * (and refreshed) by the S3 client.
   */
  remoteSigner(): RemoteSigner | undefined {
    const s = this.#settings;
    if (s.clientCredentials !== 'remote-signing') return undefined;
    const endpoints = [s.endpoint, s.clientEndpoint].filter((e): e is string => e !== undefined);
    return {
      addressing: { endpoints, region: s.region },
      sign: (req, extra) =>
        signS3Request(req, { region: s.region, credentials: () => this.#credentials(), ...(extra ? { extra } : {}) }),
    };
  }

  /** Vends per-table temporary credentials from STS when the policy is `sts`; one vendor (and cache) per warehouse. */
  credentialVendor(): CredentialVendor | undefined {
    const s = this.#settings;
    if (s.clientCredentials !== 'sts' || !s.sts) return undefined;
    if (!this.#vendor) {
      const sts = sdkAssumeRole(s.sts, () => this.#credentials(), {
        maxAttempts: s.maxAttempts,
        connectionTimeoutMs: s.connectionTimeoutMs,
      });
      this.#closeSts = sts.close;
      this.#vendor = new StsCredentialVendor(s.bucket, s.sts, sts.assume);
    }
    return this.#vendor;
  }

  async #credentials(): Promise<AwsCredentialIdentity> {
    if (this.#settings.credentials) return this.#settings.credentials;
    const { client } = await this.#sdk();
    return client.config.credentials();
  }

  /** Whether `ifAbsent` writes use `If-None-Match: *` on this store (probed on first use unless configured). */
  conditionalPutSupported(): Promise<boolean> {
    return this.#supportsConditionalPut();
  }

  /** Releases sockets; the server calls this on shutdown. */
  close(): void {
    this.#client?.destroy();
    this.#closeSts?.();
  }

  #locate(location: string): { bucket: string; key: string } {
    const { bucket, key } = parseS3Uri(location);
    if (bucket !== this.#settings.bucket) {
      // Tables may live anywhere in the bucket, but another bucket would need its own settings.
      throw new BadRequestError(
        `${location} is outside warehouse ${this.root}: the catalog has S3 settings for bucket ` +
          `"${this.#settings.bucket}" only. Configure another warehouse for that bucket.`,
        { location, warehouse: this.root },
      );
    }
    return { bucket, key };
  }

  async #put(bucket: string, key: string, body: Buffer, location: string, ifNoneMatch: boolean): Promise<void> {
    try {
      const { client, sdk } = await this.#sdk();
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentLength: body.byteLength,
          ...(ifNoneMatch ? { IfNoneMatch: '*' } : {}),
        }),
      );
    } catch (err) {
      if (ifNoneMatch && isPreconditionFailed(err)) throw new StorageObjectExistsError(location);
      throw this.#fail(err, 'write', location);
    }
  }

  /**
   * Whether the store honours `If-None-Match: *` on PutObject (AWS S3 since 2024, MinIO, versitygw). Probed once:
   * create a scratch object, try to create it again conditionally; a store that ignores the header lets the second
   * put through, one that does not implement it answers 501.
   */
  #supportsConditionalPut(): Promise<boolean> {
    this.#conditional ??= (async () => {
      const { bucket, prefix } = this.#settings;
      const probeKey = `${prefix ? `${prefix}/` : ''}.rat-probe-${randomUUID()}`;
      const probeLocation = `s3://${bucket}/${probeKey}`;
      const body = Buffer.from('probe');
      const { client, sdk } = await this.#sdk();
      try {
        await client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: probeKey, Body: body, IfNoneMatch: '*' }));
        try {
          await client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: probeKey, Body: body, IfNoneMatch: '*' }));
          return false;
        } catch (err) {
          if (isPreconditionFailed(err)) return true;
          if (isNotImplemented(err)) return false;
          throw err;
        }
      } catch (err) {
        if (isNotImplemented(err)) return false;
        throw this.#fail(err, 'write', probeLocation);
      } finally {
        await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: probeKey })).catch(() => undefined);
      }
    })();
    // A failed probe (S3 down) must not stick: try again on the next write.
    const probe = this.#conditional;
    probe.catch(() => {
      if (this.#conditional === probe) this.#conditional = undefined;
    });
    return probe;
  }

  #fail(err: unknown, operation: string, location: string): Error {
    const s = this.#settings;
    return toStorageError(err, { warehouse: this.root, operation, location, endpoint: s.endpoint ?? 'AWS S3' });
  }
}
