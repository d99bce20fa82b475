import { BadRequestError } from '../errors/index.ts';

/** Environment variables of the `sts` client credential policy (per-warehouse `s3` options override them). */
export const STS_ENV = {
  /** The role the catalog assumes for every table's credentials; required with the `sts` policy. */
  roleArn: 'RAT_S3_STS_ROLE_ARN',
  /** Lifetime of the vended credentials, 900–43200 s; default 3600. */
  durationSeconds: 'RAT_S3_STS_DURATION_SECONDS',
  /** The STS endpoint; default the standard AWS variable below, then the warehouse's custom S3 endpoint, then AWS. */
  endpoint: 'RAT_S3_STS_ENDPOINT',
  endpointAws: 'AWS_ENDPOINT_URL_STS',
  /** The region STS requests are signed for; default the warehouse's S3 region. */
  region: 'RAT_S3_STS_REGION',
} as const;

/** The `sts` policy's settings as written in a warehouse's `s3` options. */
export interface StsOptions {
  stsRoleArn?: string;
  stsDurationSeconds?: number;
  stsEndpoint?: string;
  stsRegion?: string;
}

/** Resolved settings for assuming the role that vends per-table credentials. */
export interface StsSettings {
  roleArn: string;
  durationSeconds: number;
  /** Undefined: the SDK's AWS endpoint for the region. */
  endpoint?: string;
  region: string;
}

/** AWS's bounds for `AssumeRole`'s `DurationSeconds` (the role's own maximum may be lower). */
export const STS_MIN_DURATION_SECONDS = 900;
export const STS_MAX_DURATION_SECONDS = 43_200;
const DEFAULT_DURATION_SECONDS = 3600;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Resolves the `sts` policy's settings: options, then the environment, then defaults. S3-compatible stores that have
 * STS (SeaweedFS, Ceph) serve it on their S3 endpoint, so a warehouse with a custom S3 endpoint uses it for STS too
 * unless told otherwise. Throws when no role is named or the duration is outside what STS accepts, so a misconfigured
 * warehouse fails at startup rather than on the first load.
 *
 * @example resolveStsSettings({ stsRoleArn: 'arn:aws:iam::1:role/lake' }, {}, undefined, 'eu-west-1').durationSeconds // 3600
 */
export function resolveStsSettings(
  options: StsOptions,
  env: Record<string, string | undefined>,
  s3Endpoint: string | undefined,
  s3Region: string,
): StsSettings {
  const roleArn = nonEmpty(options.stsRoleArn) ?? nonEmpty(env[STS_ENV.roleArn]);
  if (!roleArn) {
    throw new BadRequestError(
      `The sts client credential policy needs the role to assume: set ${STS_ENV.roleArn} or the warehouse's s3.stsRoleArn.`,
    );
  }
  const rawDuration = options.stsDurationSeconds ?? nonEmpty(env[STS_ENV.durationSeconds]);
  const durationSeconds = rawDuration === undefined ? DEFAULT_DURATION_SECONDS : Number(rawDuration);
  if (
    !Number.isInteger(durationSeconds) ||
    durationSeconds < STS_MIN_DURATION_SECONDS ||
    durationSeconds > STS_MAX_DURATION_SECONDS
  ) {
    throw new BadRequestError(
      `${STS_ENV.durationSeconds} (s3.stsDurationSeconds) must be a whole number of seconds from ` +
        `${STS_MIN_DURATION_SECONDS} to ${STS_MAX_DURATION_SECONDS}, got "${String(rawDuration)}".`,
    );
  }
  const endpoint =
    nonEmpty(options.stsEndpoint) ?? nonEmpty(env[STS_ENV.endpoint]) ?? nonEmpty(env[STS_ENV.endpointAws]);
  if (endpoint !== undefined && !/^https?:\/\/[^/]/.test(endpoint)) {
    throw new BadRequestError(`The STS endpoint must be an http(s) URL, got "${endpoint}".`);
  }
  return {
    roleArn,
    durationSeconds,
    endpoint: (endpoint ?? s3Endpoint)?.replace(/\/+$/, ''),
    region: nonEmpty(options.stsRegion) ?? nonEmpty(env[STS_ENV.region]) ?? s3Region,
  };
}
