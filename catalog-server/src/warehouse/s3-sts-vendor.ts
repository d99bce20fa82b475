import { createHash } from 'node:crypto';
import type * as StsSdk from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { CredentialsUnavailableError } from '../errors/index.ts';
import { parseS3Uri } from './s3-config.ts';
import { sessionPolicy } from './s3-session-policy.ts';
import type { StsSettings } from './s3-sts-config.ts';

/** Temporary keys as STS returns them. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAtMs: number;
}

/** One `AssumeRole` call: the session policy (JSON), lifetime and session name; resolves to the temporary keys. */
export type AssumeRole = (request: {
  policy: string;
  durationSeconds: number;
  sessionName: string;
}) => Promise<TemporaryCredentials>;

/** At most this many scopes are remembered; beyond, expired and then the oldest entries go. */
const MAX_CACHED = 1000;

/**
 * Vends temporary credentials limited to a table's folders (the `sts` client credential policy): one STS `AssumeRole`
 * per scope (folders and access), with the session policy of {@link sessionPolicy}. The answer is reused by every
 * client of the same scope until shortly before it expires (a quarter of its lifetime, at most five minutes), so a
 * busy table costs one STS call per period and a client always gets keys that still have most of their life; two
 * loads that arrive together share one call.
 *
 * @example const keys = await vendor.credentialsFor(['s3://lake/wh/db/t'], false); // keys['s3.session-token']
 */
export class StsCredentialVendor {
  readonly #bucket: string;
  readonly #settings: StsSettings;
  readonly #assume: AssumeRole;
  readonly #now: () => number;
  readonly #cache = new Map<string, { refreshAtMs: number; value: Promise<TemporaryCredentials> }>();

  constructor(bucket: string, settings: StsSettings, assume: AssumeRole, now: () => number = Date.now) {
    this.#bucket = bucket;
    this.#settings = settings;
    this.#assume = assume;
    this.#now = now;
  }

  /**
   * The storage config keys Iceberg clients read (`s3.access-key-id`, `s3.secret-access-key`, `s3.session-token`,
   * `s3.session-token-expires-at-ms`) for credentials that may read (and with `write`, create objects) under
   * `locations` only. Locations in another bucket are left out (this warehouse's keys cannot reach them anyway).
   */
  async credentialsFor(locations: readonly string[], write: boolean): Promise<Record<string, string>> {
    const prefixes = [
      ...new Set(
        locations
          .map((l) => parseS3Uri(l))
          .filter((l) => l.bucket === this.#bucket)
          .map((l) => l.key.replace(/^\/+|\/+$/g, '')),
      ),
    ].sort();
    const c = await this.#cached(prefixes, write);
    return {
      's3.access-key-id': c.accessKeyId,
      's3.secret-access-key': c.secretAccessKey,
      's3.session-token': c.sessionToken,
      's3.session-token-expires-at-ms': String(c.expiresAtMs),
    };
  }

  #cached(prefixes: string[], write: boolean): Promise<TemporaryCredentials> {
    const key = `${write ? 'w' : 'r'}\u0000${prefixes.join('\u0000')}`;
    const now = this.#now();
    const hit = this.#cache.get(key);
    if (hit && hit.refreshAtMs > now) return hit.value;
    // Built before the call so a bad scope (an empty folder) throws here, not as an STS failure.
    const policy = sessionPolicy({ bucket: this.#bucket, prefixes, write });
    const value = this.#call(policy, key);
    // Refreshed once it has a quarter of its lifetime (at most five minutes) left; until STS answers, the promise
    // itself is shared.
    const margin = Math.min(300_000, (this.#settings.durationSeconds * 1000) / 4);
    const entry = { refreshAtMs: Number.POSITIVE_INFINITY, value };
    this.#remember(key, entry);
    value.then(
      (c) => (entry.refreshAtMs = c.expiresAtMs - margin),
      () => {
        if (this.#cache.get(key) === entry) this.#cache.delete(key);
      },
    );
    return value;
  }

  async #call(policy: string, key: string): Promise<TemporaryCredentials> {
    // Names the scope in the store's audit log without spelling it out (session names are at most 64 characters).
    const sessionName = `ratatouille-${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
    try {
      return await this.#assume({ policy, durationSeconds: this.#settings.durationSeconds, sessionName });
    } catch (err) {
      throw unavailable(err, this.#settings.roleArn);
    }
  }

  #remember(key: string, entry: { refreshAtMs: number; value: Promise<TemporaryCredentials> }): void {
    this.#cache.delete(key);
    this.#cache.set(key, entry);
    if (this.#cache.size <= MAX_CACHED) return;
    const now = this.#now();
    for (const [k, e] of this.#cache) if (e.refreshAtMs <= now) this.#cache.delete(k);
    // Map order is insertion order: the first entries are the oldest.
    for (const k of this.#cache.keys()) {
      if (this.#cache.size <= MAX_CACHED) break;
      this.#cache.delete(k);
    }
  }
}

/**
 * An STS failure as the catalog answers it: the error's name and status only. STS messages can quote the caller's
 * identity and the policy; the keys never reach the client or the log.
 */
function unavailable(err: unknown, roleArn: string): CredentialsUnavailableError {
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const stsCode = typeof e?.name === 'string' ? e.name : 'Error';
  const status = typeof e?.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  return new CredentialsUnavailableError(
    `Could not get temporary storage credentials from STS (${stsCode}${status ? `, HTTP ${status}` : ''}) for role ` +
      `${roleArn}. Check that the catalog may assume it and that STS is reachable; the load can be retried.`,
    { roleArn, stsCode, ...(status ? { status } : {}) },
  );
}

/**
 * The `AssumeRole` call through the AWS SDK's STS client, signed with the server's own keys (from its config or the
 * SDK's default chain). The SDK is imported on first use, as the S3 one is; `close` releases its sockets.
 */
export function sdkAssumeRole(
  settings: StsSettings,
  credentials: () => Promise<AwsCredentialIdentity>,
  opts: { maxAttempts: number; connectionTimeoutMs: number },
): { assume: AssumeRole; close(): void } {
  let loading: Promise<{ sdk: typeof StsSdk; client: StsSdk.STSClient }> | undefined;
  let made: StsSdk.STSClient | undefined;
  const assume: AssumeRole = async ({ policy, durationSeconds, sessionName }) => {
    loading ??= import('@aws-sdk/client-sts').then((sdk) => {
      made = new sdk.STSClient({
        region: settings.region,
        endpoint: settings.endpoint,
        credentials,
        maxAttempts: opts.maxAttempts,
        requestHandler: { connectionTimeout: opts.connectionTimeoutMs, requestTimeout: 30_000 },
      });
      return { sdk, client: made };
    });
    const { sdk, client } = await loading;
    const out = await client.send(
      new sdk.AssumeRoleCommand({
        RoleArn: settings.roleArn,
        RoleSessionName: sessionName,
        Policy: policy,
        DurationSeconds: durationSeconds,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw Object.assign(new Error('AssumeRole answered without credentials'), { name: 'IncompleteCredentials' });
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiresAtMs: c.Expiration.getTime(),
    };
  };
  return { assume, close: () => made?.destroy() };
}
