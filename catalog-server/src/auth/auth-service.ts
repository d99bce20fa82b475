import { OAuthTokenError, UnauthorizedError } from '../errors/index.ts';
import type { AuthConfig } from './config.ts';
import { OidcVerifier } from './oidc.ts';
import { OWN_ISSUER, OwnTokens, type IssuedToken, type TokenSession } from './own-tokens.ts';
import { Policy, type Principal } from './policy.ts';
import { secretMatches } from './secret.ts';
import { loadOrCreateSharedSigningKey, loadOrCreateSigningKey, type SharedKeySource } from './signing-key.ts';
import { jose } from './jose.ts';

/**
 * Authentication for a catalog with an auth config: client credentials → our own token, and bearer token → principal
 * (our tokens, or an OIDC provider's). Authorization decisions are the `policy`'s.
 *
 * @example
 *   const auth = await AuthService.open(loadAuthConfig('auth.yaml'), '.rat');
 *   const { token } = await auth.clientCredentials('etl', 'secret');
 *   await auth.authenticate(`Bearer ${token}`) // { id: 'etl', roles: ['writer'], via: 'client' }
 */
export class AuthService {
  readonly policy: Policy;
  private readonly clients: Map<string, AuthConfig['clients'][number]>;
  private readonly oidc?: OidcVerifier;
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    config: AuthConfig,
    private readonly tokens: OwnTokens,
  ) {
    this.policy = new Policy(config);
    this.clients = new Map(config.clients.map((c) => [c.id, c]));
    if (config.oidc) this.oidc = new OidcVerifier(config.oidc);
  }

  /**
   * Builds the service with the signing key kept in (or first generated into) `dataDir`, or the one the replicas of a
   * shared database keep there (`shared`).
   */
  static async open(config: AuthConfig, dataDir: string, shared?: SharedKeySource): Promise<AuthService> {
    const key = shared ? await loadOrCreateSharedSigningKey(shared) : loadOrCreateSigningKey(dataDir);
    return new AuthService(config, new OwnTokens(key, config['token-ttl-seconds'], config['session-max-seconds']));
  }

  /** The `client_credentials` grant: a token for a configured client whose secret matches its hash. */
  async clientCredentials(id: string, secret: string): Promise<IssuedToken> {
    const client = this.clients.get(id);
    // Hash even for an unknown id, so the answer takes as long either way.
    const ok = secretMatches(secret, client?.['secret-sha256'] ?? '0'.repeat(64)) && client !== undefined;
    if (!ok) throw new OAuthTokenError('invalid_client', 'Unknown client or wrong secret.');
    return this.tokens.issue(client.id);
  }

  /**
   * Token exchange (how Iceberg's Java client refreshes): a fresh token for the holder of one of our valid tokens, in
   * the same session, so renewing a token never extends its session past `session-max-seconds`. A request that also
   * authenticates the client (`client`: HTTP Basic or form fields) is a new sign-in, as `client_credentials` would be:
   * that is how the Java client, holding its credential, carries on once its session is over or its token expired.
   */
  async exchange(subjectToken: string, client?: { id: string; secret: string }): Promise<IssuedToken> {
    if (client) return this.clientCredentials(client.id, client.secret);
    let session: TokenSession;
    try {
      session = await this.tokens.verify(subjectToken);
    } catch {
      throw new OAuthTokenError('invalid_grant', 'The subject token is not a valid token of this catalog.');
    }
    if (!this.clients.has(session.subject))
      throw new OAuthTokenError('invalid_grant', `Client "${session.subject}" is not configured.`);
    if (!this.tokens.renewable(session)) {
      const began = session.authTime === undefined ? 'at an unknown time' : `at ${isoSeconds(session.authTime)}`;
      throw new OAuthTokenError(
        'invalid_grant',
        `The session of this token began ${began}; a renewed token would outlive session-max-seconds. ` +
          "Sign in again with the client's credentials.",
      );
    }
    return this.tokens.issue(session.subject, session.authTime);
  }

  /**
   * The principal behind an `Authorization: Bearer …` header; 401 (UnauthorizedError) for none or a bad one. A token
   * that verified is remembered until it expires, so a client's steady stream of requests costs a map lookup each.
   */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const hit = this.verified.get(authorization ?? '');
    if (hit && hit.expiresAt > Date.now()) return hit.principal;
    const principal = await this.verify(authorization);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    this.verified.set(authorization!, principal);
    return principal.principal;
  }

  private async verify(authorization: string | undefined): Promise<{ principal: Principal; expiresAt: number }> {
    const sent = /^Bearer(?:\s+(.*))?$/is.exec(authorization ?? '')?.[1]?.trim();
    if (!sent)
      throw unauthorized(
        'missing',
        'No bearer token: obtain one at /iceberg/v1/oauth/tokens (client credentials) or from your identity provider.',
      );
    // A token was sent, so a malformed one is an invalid token (RFC 6750 §3.1), not a missing one.
    if (/\s/.test(sent)) throw unauthorized('invalid_token', 'The bearer token is malformed: it contains whitespace.');
    const token = sent;
    let issuer: string | undefined;
    let exp: number | undefined;
    const { decodeJwt } = await jose();
    try {
      ({ iss: issuer, exp } = decodeJwt(token));
    } catch {
      throw unauthorized('invalid_token', 'The bearer token is not a JWT.');
    }
    // Both verifiers require `exp`, so it is set on every token that gets past them.
    const expiresAt = (exp ?? 0) * 1000;
    if (issuer === OWN_ISSUER) {
      let subject: string;
      try {
        ({ subject } = await this.tokens.verify(token));
      } catch (err) {
        throw unauthorized('invalid_token', `The token is not valid (${(err as Error).message}): get a new one.`);
      }
      const client = this.clients.get(subject);
      if (!client) throw unauthorized('invalid_token', `Client "${subject}" is no longer configured.`);
      return { principal: { id: client.id, roles: client.roles, via: 'client' }, expiresAt };
    }
    if (this.oidc && issuer === this.oidc.issuer) {
      try {
        return { principal: await this.oidc.verify(token), expiresAt };
      } catch (err) {
        throw unauthorized('invalid_token', `The identity provider's token is not valid (${(err as Error).message}).`);
      }
    }
    throw unauthorized('invalid_token', `Tokens from issuer "${issuer ?? '(none)'}" are not accepted here.`);
  }
}

/** Verified tokens remembered at most; the map starts over when full (tokens are short-lived anyway). */
const VERIFIED_CACHE_SIZE = 10_000;

/** Epoch seconds as an ISO timestamp, for messages. */
function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** A 401 whose `data.wwwAuthenticate` is the challenge the middleware sends (RFC 6750). */
function unauthorized(kind: 'missing' | 'invalid_token', message: string): UnauthorizedError {
  const challenge =
    kind === 'missing'
      ? 'Bearer realm="ratatouille"'
      : `Bearer realm="ratatouille", error="invalid_token", error_description="${message.replace(/["\\]/g, "'")}"`;
  return new UnauthorizedError(message, { wwwAuthenticate: challenge });
}
