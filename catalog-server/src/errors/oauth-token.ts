import { RatError } from './rat-error.ts';

/** RFC 6749 error codes of the token endpoint. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type';

/**
 * A refused token request at `/v1/oauth/tokens`. Answered in the OAuth2 shape (`{"error", "error_description"}`)
 * that Iceberg clients parse there, not the Iceberg error model: 401 for bad client credentials, 400 otherwise.
 */
export class OAuthTokenError extends RatError {
  readonly code = 'OAUTH_TOKEN' as const;

  constructor(oauthError: OAuthErrorCode, message: string) {
    super(message, { oauthError });
  }
}
