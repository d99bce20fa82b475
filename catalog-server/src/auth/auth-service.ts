import { decodeJwt } from 'jose';
import { OAuthTokenError, UnauthorizedError } from '../errors/index.ts';
import type { AuthConfig } from './config.ts';
import { OidcVerifier } from './oidc.ts';
import { OWN_ISSUER, OwnTokens, type IssuedToken } from './own-tokens.ts';
import { Policy, type Principal } from './policy.ts';
import { secretMatches } from './secret.ts';
import { loadOrCreateSigningKey } from './signing-key.ts';

/**
 * Authentication for a catalog with an auth config: client credentials → our own token, and bearer token → principal
 * (our tokens, or an OIDC provider's). Authorization decisions are the `policy`'s.
 *
 * @example
 *   const auth = AuthService.open(loadAuthConfig('auth.yaml'), '.rat');
 *   const { token } = await auth.clientCredentials('etl', 'secret');
 *   await auth.authenticate(`Bearer ${token}`) // { id: 'etl', roles: ['writer'], via: 'client' }
 */
export class AuthService {
  readonly policy: Policy;
  private readonly clients: Map<string, AuthConfig['clients'][number]>;
  private readonly oidc?: OidcVerifier;

  constructor(
    config: AuthConfig,
    private readonly tokens: OwnTokens,
  ) {
    this.policy = new Policy(config);
    this.clients = new Map(config.clients.map((c) => [c.id, c]));
    if (config.oidc) this.oidc = new OidcVerifier(config.oidc);
  }

  /** Builds the service with the signing key kept in (or first generated into) `dataDir`. */
  static open(config: AuthConfig, dataDir: string): AuthService {
    return new AuthService(config, new OwnTokens(loadOrCreateSigningKey(dataDir), config['token-ttl-seconds']));
  }

  /** The `client_credentials` grant: a token for a configured client whose secret matches its hash. */
  async clientCredentials(id: string, secret: string): Promise<IssuedToken> {
    const client = this.clients.get(id);
    // Hash even for an unknown id, so the answer takes as long either way.
    const ok = secretMatches(secret, client?.['secret-sha256'] ?? '0'.repeat(64)) && client !== undefined;
    if (!ok) throw new OAuthTokenError('invalid_client', 'Unknown client or wrong secret.');
    return this.tokens.issue(client.id);
  }

  /** Token exchange (how Java and PyIceberg refresh): a fresh token for the holder of one of our valid tokens. */
  async exchange(subjectToken: string): Promise<IssuedToken> {
    let subject: string;
    try {
      subject = await this.tokens.verify(subjectToken);
    } catch {
      throw new OAuthTokenError('invalid_grant', 'The subject token is not a valid token of this catalog.');
    }
    if (!this.clients.has(subject))
      throw new OAuthTokenError('invalid_grant', `Client "${subject}" is not configured.`);
    return this.tokens.issue(subject);
  }

  /** The principal behind an `Authorization: Bearer …` header; 401 (UnauthorizedError) for none or a bad one. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m)
      throw unauthorized(
        'missing',
        'No bearer token: obtain one at /iceberg/v1/oauth/tokens (client credentials) or from your identity provider.',
      );
    const token = m[1]!;
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw unauthorized('invalid_token', 'The bearer token is not a JWT.');
    }
    if (issuer === OWN_ISSUER) {
      let subject: string;
      try {
        subject = await this.tokens.verify(token);
      } catch (err) {
        throw unauthorized('invalid_token', `The token is not valid (${(err as Error).message}): get a new one.`);
      }
      const client = this.clients.get(subject);
      if (!client) throw unauthorized('invalid_token', `Client "${subject}" is no longer configured.`);
      return { id: client.id, roles: client.roles, via: 'client' };
    }
    if (this.oidc && issuer === this.oidc.issuer) {
      try {
        return await this.oidc.verify(token);
      } catch (err) {
        throw unauthorized('invalid_token', `The identity provider's token is not valid (${(err as Error).message}).`);
      }
    }
    throw unauthorized('invalid_token', `Tokens from issuer "${issuer ?? '(none)'}" are not accepted here.`);
  }
}

/** A 401 whose `data.wwwAuthenticate` is the challenge the middleware sends (RFC 6750). */
function unauthorized(kind: 'missing' | 'invalid_token', message: string): UnauthorizedError {
  const challenge =
    kind === 'missing'
      ? 'Bearer realm="ratatouille"'
      : `Bearer realm="ratatouille", error="invalid_token", error_description="${message.replace(/["\\]/g, "'")}"`;
  return new UnauthorizedError(message, { wwwAuthenticate: challenge });
}
