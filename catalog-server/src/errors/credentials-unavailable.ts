import { RatError } from './rat-error.ts';

/**
 * The warehouse vends temporary storage credentials (client credential policy `sts`) and STS did not give any: it was
 * unreachable, refused to let the catalog assume the role, or rejected the session policy. Nothing was changed, so the
 * client may retry; the message names the role and STS's error code, never a key.
 */
export class CredentialsUnavailableError extends RatError {
  readonly code = 'CREDENTIALS_UNAVAILABLE' as const;

  constructor(message: string, data: { roleArn: string; stsCode: string } & Record<string, unknown>) {
    super(message, data);
  }
}
