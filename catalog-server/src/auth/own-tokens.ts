import { jose } from './jose.ts';
import type { SigningKey } from './signing-key.ts';

/** `iss` and `aud` of the tokens the catalog issues itself (OIDC tokens carry their provider's). */
export const OWN_ISSUER = 'ratatouille';

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

/** What a valid token of ours says: whose it is and when its session began. */
export interface TokenSession {
  subject: string;
  /**
   * When the client last signed in with its credentials (epoch seconds): the `auth_time` claim, or `iat` for a token
   * issued before tokens carried it; undefined when the token has neither.
   */
  authTime?: number;
}

/**
 * Issues and verifies the catalog's own short-lived access tokens (HS256 JWTs whose subject is a client id). Roles
 * are not in the token: they are looked up in the auth config on every request, so a config change applies at once.
 * Each token carries `auth_time`, the start of its session, which token exchange copies unchanged: a session ends
 * `sessionMaxSeconds` after it, and no token outlives its session.
 *
 * @example const t = await tokens.issue('etl'); await tokens.verify(t.token) // { subject: 'etl', authTime: … }
 */
export class OwnTokens {
  constructor(
    private readonly key: SigningKey,
    private readonly ttlSeconds: number,
    private readonly sessionMaxSeconds: number,
  ) {}

  /** A token for `subject` in the session begun at `authTime` (default: now, a new sign-in). */
  async issue(subject: string, authTime = nowSeconds()): Promise<IssuedToken> {
    const { SignJWT } = await jose();
    const now = nowSeconds();
    // Capped here, whatever the caller checked: no token lives past the end of its session.
    const exp = Math.min(now + this.ttlSeconds, this.sessionEnd(authTime));
    const token = await new SignJWT({ auth_time: authTime })
      .setProtectedHeader({ alg: 'HS256', kid: this.key.kid, typ: 'JWT' })
      .setIssuer(OWN_ISSUER)
      .setAudience(OWN_ISSUER)
      .setSubject(subject)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.key.secret);
    return { token, expiresIn: exp - now };
  }

  /**
   * Whether a token of this session may be exchanged for a fresh one: only while a full-length token would still end
   * within the session. Refusing before the session's last moment (rather than issuing ever shorter tokens) leaves
   * the client's current token valid while it signs in again: Iceberg's Java client, refused, retries for a few
   * seconds and then repeats the exchange with its credential.
   */
  renewable(session: TokenSession): boolean {
    return session.authTime !== undefined && nowSeconds() + this.ttlSeconds <= this.sessionEnd(session.authTime);
  }

  /** Subject and session of a valid token; throws (jose's errors) for a bad signature, another key, or an expired token. */
  async verify(token: string): Promise<TokenSession> {
    const { jwtVerify } = await jose();
    const { payload } = await jwtVerify(token, this.key.secret, {
      issuer: OWN_ISSUER,
      audience: OWN_ISSUER,
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
    });
    const authTime = typeof payload['auth_time'] === 'number' ? payload['auth_time'] : payload.iat;
    return { subject: payload.sub!, authTime };
  }

  /** When the session begun at `authTime` ends (epoch seconds). */
  private sessionEnd(authTime: number): number {
    return authTime + this.sessionMaxSeconds;
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
