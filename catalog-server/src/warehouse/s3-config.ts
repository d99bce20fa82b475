import { BadRequestError } from '../errors/index.ts';
import { resolveStsSettings, type StsOptions, type StsSettings } from './s3-sts-config.ts';

/**
 * Environment variables the S3 warehouse reads. The AWS names are the standard ones every AWS SDK and CLI reads, so
 * `rat serve --warehouse s3://bucket/prefix` works with nothing more than those; the `RAT_S3_*` names cover what the
 * AWS variables cannot say (the endpoint clients should use, path style, the credential policy).
 */
export const S3_ENV = {
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  sessionToken: 'AWS_SESSION_TOKEN',
  region: 'AWS_REGION',
  defaultRegion: 'AWS_DEFAULT_REGION',
  endpointS3: 'AWS_ENDPOINT_URL_S3',
  endpoint: 'AWS_ENDPOINT_URL',
  /** `true`/`false`; defaults to `true` when a custom endpoint is set. */
  pathStyle: 'RAT_S3_PATH_STYLE',
  /** Endpoint handed to clients when it differs from the server's (e.g. `minio:9000` inside compose vs localhost). */
  clientEndpoint: 'RAT_S3_CLIENT_ENDPOINT',
  /** `vended` (default), `static`, `none`, `remote-signing` or `sts`: see {@link ClientCredentialPolicy}. */
  clientCredentials: 'RAT_S3_CLIENT_CREDENTIALS',
} as const;

/**
 * What a client gets in loadTable/createTable `config` and from `/credentials`:
 * - `vended`: the server's static keys, only when the client asks with `X-Iceberg-Access-Delegation: vended-credentials`
 *   (PyIceberg and DuckDB send it; Spark does with `header.X-Iceberg-Access-Delegation=vended-credentials`);
 * - `static`: the server's static keys in every response, header or not;
 * - `none`: never; clients bring their own credentials.
 * - `remote-signing`: never any keys; clients that announce `X-Iceberg-Access-Delegation: remote-signing` get a
 *   per-table signer endpoint instead, which signs each S3 request they send after checking it lies inside the
 *   table's location and that the caller may read (GET/HEAD) or commit (writes) on the ref.
 * - `sts`: never the server's keys; clients that ask for vended credentials get temporary ones from STS `AssumeRole`,
 *   limited by a session policy to the table's folders: read-only, or read and create objects for callers who may
 *   commit on the ref (see s3-session-policy.ts). Settings in s3-sts-config.ts.
 */
export type ClientCredentialPolicy = 'vended' | 'static' | 'none' | 'remote-signing' | 'sts';

const POLICIES: readonly ClientCredentialPolicy[] = ['vended', 'static', 'none', 'remote-signing', 'sts'];

/** Whether `ifAbsent` writes use `If-None-Match: *`: `auto` probes the server once, `off` uses check-then-put. */
export type ConditionalWrites = 'auto' | 'on' | 'off';

/** S3 settings of one warehouse as written in configuration; everything is optional and falls back to the env. */
export interface S3Options extends StsOptions {
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  clientEndpoint?: string;
  clientCredentials?: ClientCredentialPolicy;
  conditionalWrites?: ConditionalWrites;
  /** Attempts per S3 request (SDK retries); default 3. */
  maxAttempts?: number;
  /** Milliseconds to wait for a TCP connection before treating S3 as unreachable; default 5000. */
  connectionTimeoutMs?: number;
}

/** Static keys; kept out of {@link ResolvedS3Settings}'s enumerable fields so they never end up in logs or JSON. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Fully resolved settings: every field has its final value. */
export interface ResolvedS3Settings {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing slash ('' for the bucket root). */
  prefix: string;
  /** Custom endpoint (MinIO, Ceph, R2, versitygw), or undefined for AWS. */
  endpoint?: string;
  region: string;
  pathStyle: boolean;
  clientEndpoint?: string;
  clientCredentials: ClientCredentialPolicy;
  conditionalWrites: ConditionalWrites;
  maxAttempts: number;
  connectionTimeoutMs: number;
  /** Static keys from config or env; undefined means the SDK's default chain (profile, instance role, ...). */
  credentials?: S3Credentials;
  /** The role, lifetime and STS endpoint of the `sts` policy; set exactly when that is the policy. */
  sts?: StsSettings;
}

/** Splits `s3://bucket/some/prefix/` (also `s3a://`, `s3n://`) into bucket and prefix. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3[an]?:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (!m || !m[1]) throw new BadRequestError(`Not an S3 location: "${uri}". Use s3://bucket/prefix.`, { uri });
  return { bucket: m[1], key: m[2] ?? '' };
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function parseBool(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new BadRequestError(`${name} must be true or false, got "${value}".`, { name });
}

function parsePolicy(name: string, value: string | undefined): ClientCredentialPolicy | undefined {
  if (value === undefined || value === '') return undefined;
  if ((POLICIES as readonly string[]).includes(value)) return value as ClientCredentialPolicy;
  throw new BadRequestError(`${name} must be one of ${POLICIES.join(', ')}; got "${value}".`, { name });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function checkEndpoint(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadRequestError(`${name} must be an http(s) URL such as http://127.0.0.1:9000, got "${value}".`, {
      name,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadRequestError(`${name} must be an http(s) URL such as http://127.0.0.1:9000, got "${value}".`, {
      name,
    });
  }
  return value.replace(/\/+$/, '');
}

/**
 * Resolves a warehouse's S3 settings: explicit options first, then the environment, then defaults (region
 * `us-east-1`, path style on exactly when a custom endpoint is set).
 *
 * @example resolveS3Settings('s3://lake/wh', {}, { AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' }).pathStyle // true
 */
export function resolveS3Settings(
  uri: string,
  options: S3Options = {},
  env: Record<string, string | undefined> = process.env,
): ResolvedS3Settings {
  const { bucket, key } = parseS3Uri(uri);
  const endpoint = checkEndpoint(
    'S3 endpoint',
    nonEmpty(options.endpoint) ?? nonEmpty(env[S3_ENV.endpointS3]) ?? nonEmpty(env[S3_ENV.endpoint]),
  );
  const region =
    nonEmpty(options.region) ?? nonEmpty(env[S3_ENV.region]) ?? nonEmpty(env[S3_ENV.defaultRegion]) ?? 'us-east-1';
  const pathStyle = options.pathStyle ?? parseBool(S3_ENV.pathStyle, env[S3_ENV.pathStyle]) ?? endpoint !== undefined;
  const clientEndpoint = checkEndpoint(
    'S3 client endpoint',
    nonEmpty(options.clientEndpoint) ?? nonEmpty(env[S3_ENV.clientEndpoint]),
  );
  const clientCredentials =
    options.clientCredentials ?? parsePolicy(S3_ENV.clientCredentials, env[S3_ENV.clientCredentials]) ?? 'vended';
  if (!POLICIES.includes(clientCredentials)) {
    throw new BadRequestError(`clientCredentials must be one of ${POLICIES.join(', ')}.`, { clientCredentials });
  }

  // Keys come as a pair from one source: mixing a config key id with an env secret would be a silent misconfiguration.
  let credentials: S3Credentials | undefined;
  const fromOptions = options.accessKeyId !== undefined || options.secretAccessKey !== undefined;
  const id = fromOptions ? nonEmpty(options.accessKeyId) : nonEmpty(env[S3_ENV.accessKeyId]);
  const secret = fromOptions ? nonEmpty(options.secretAccessKey) : nonEmpty(env[S3_ENV.secretAccessKey]);
  const token = fromOptions ? nonEmpty(options.sessionToken) : nonEmpty(env[S3_ENV.sessionToken]);
  if (id && secret)
    credentials = token
      ? { accessKeyId: id, secretAccessKey: secret, sessionToken: token }
      : { accessKeyId: id, secretAccessKey: secret };
  else if (id || secret) {
    throw new BadRequestError(
      `S3 credentials for ${uri} need both an access key id and a secret access key (${S3_ENV.accessKeyId} and ${S3_ENV.secretAccessKey}).`,
      { uri },
    );
  }

  return {
    bucket,
    prefix: key.replace(/^\/+|\/+$/g, ''),
    endpoint,
    region,
    pathStyle,
    clientEndpoint,
    clientCredentials,
    conditionalWrites: options.conditionalWrites ?? 'auto',
    maxAttempts: options.maxAttempts ?? 3,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 5000,
    credentials,
    ...(clientCredentials === 'sts' ? { sts: resolveStsSettings(options, env, endpoint, region) } : {}),
  };
}

/** What a client asked for in `X-Iceberg-Access-Delegation`, as the storage config needs it. */
export interface ClientAccess {
  /** It asked for vended credentials. */
  vendCredentials?: boolean;
  /**
   * It asked for remote signing: the table's signer endpoint, relative to the catalog URI the client connected with
   * (which names the ref), e.g. `v1/namespaces/db/tables/t/sign`.
   */
  signerEndpoint?: string;
}

/**
 * The storage properties Iceberg clients read (PyIceberg, Java S3FileIO, DuckDB, iceberg-js). Always names a region:
 * PyIceberg otherwise asks a region resolver over the network.
 *
 * Remote signing is switched on with `s3.remote-signing-enabled` (Java's S3FileIO) and `s3.signer` (PyIceberg's
 * fsspec FileIO); the endpoint goes in `s3.signer.endpoint` (PyIceberg 0.12, Java up to 1.10, and Java 1.11 reads it
 * first) and `signer.endpoint` (Java 1.11's new name). No signer URI is given: both clients then use the catalog URI
 * they were configured with, which is the only address of this server they are known to reach. `py-io-impl` makes
 * PyIceberg use its fsspec FileIO, the one that signs.
 *
 * @example s3ClientConfig(settings, { vendCredentials: true })['s3.access-key-id']
 */
export function s3ClientConfig(settings: ResolvedS3Settings, opts: ClientAccess = {}): Record<string, string> {
  const config: Record<string, string> = {
    's3.region': settings.region,
    'client.region': settings.region,
    's3.path-style-access': String(settings.pathStyle),
  };
  const endpoint = settings.clientEndpoint ?? settings.endpoint;
  if (endpoint) config['s3.endpoint'] = endpoint;
  const give =
    settings.clientCredentials === 'static' ||
    (settings.clientCredentials === 'vended' && opts.vendCredentials === true);
  if (give && settings.credentials) {
    config['s3.access-key-id'] = settings.credentials.accessKeyId;
    config['s3.secret-access-key'] = settings.credentials.secretAccessKey;
    if (settings.credentials.sessionToken) config['s3.session-token'] = settings.credentials.sessionToken;
  }
  if (settings.clientCredentials === 'remote-signing' && opts.signerEndpoint !== undefined) {
    config['s3.remote-signing-enabled'] = 'true';
    config['s3.signer'] = 'S3V4RestSigner';
    config['s3.signer.endpoint'] = opts.signerEndpoint;
    config['signer.endpoint'] = opts.signerEndpoint;
    // PyIceberg's default FileIO (PyArrow) cannot sign and would send unsigned requests; its fsspec FileIO can, and
    // PyIceberg loads the FileIO a table's config names. Java and other clients ignore the key.
    config['py-io-impl'] = 'pyiceberg.io.fsspec.FsspecFileIO';
  }
  return config;
}

/** True when an `X-Iceberg-Access-Delegation` header value asks for vended credentials (a comma-separated list). */
export function wantsVendedCredentials(header: string | string[] | undefined): boolean {
  return delegationModes(header).includes('vended-credentials');
}

/** True when an `X-Iceberg-Access-Delegation` header value announces remote signing (a comma-separated list). */
export function wantsRemoteSigning(header: string | string[] | undefined): boolean {
  return delegationModes(header).includes('remote-signing');
}

function delegationModes(header: string | string[] | undefined): string[] {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  return values.flatMap((v) => v.split(',').map((s) => s.trim().toLowerCase()));
}

/**
 * The `storage-credentials` list of the Iceberg `/credentials` endpoint (and of loadTable results) for a table at
 * `location`: the client config with vended keys, or an empty list when the warehouse's policy gives none (or it
 * is not on S3). Calling `/credentials` is itself the request for vended credentials.
 *
 * @example res.json({ 'storage-credentials': vendedStorageCredentials(ctx.warehouse, table.location) })
 */
export function vendedStorageCredentials(
  io: { clientConfig(opts?: ClientAccess): Record<string, string> },
  location: string,
): Array<{ prefix: string; config: Record<string, string> }> {
  const config = io.clientConfig({ vendCredentials: true });
  if (config['s3.access-key-id'] === undefined) return [];
  return [{ prefix: location, config }];
}
