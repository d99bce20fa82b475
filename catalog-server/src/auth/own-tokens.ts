import { jose } from './jose.ts';
import type { SigningKey } from './signing-key.ts';

/** `iss` and `aud` of the tokens the catalog issues itself (OIDC tokens carry their provider's). */
export const OWN_ISSUER = 'ratatouille';

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

/**
 * Issues and verifies the catalog's own short-lived access tokens (HS256 JWTs whose subject is a client id). Roles
 * are not in the token: they are looked up in the auth config on every request, so a config change applies at once.
 *
 * @example const t = await tokens.issue('etl'); await tokens.verify(t.token) // 'etl'
 */
export class OwnTokens {
  constructor(
    private readonly key: SigningKey,
    private readonly ttlSeconds: number,
  ) {}

  async issue(subject: string): Promise<IssuedToken> {
    const { SignJWT } = await jose();
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: this.key.kid, typ: 'JWT' })
      .setIssuer(OWN_ISSUER)
      .setAudience(OWN_ISSUER)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key.secret);
    return { token, expiresIn: this.ttlSeconds };
  }

  /** The subject of a valid token; throws (jose's errors) for a bad signature, another key, or an expired token. */
  async verify(token: string): Promise<string> {
    const { jwtVerify } = await jose();
    const { payload } = await jwtVerify(token, this.key.secret, {
      issuer: OWN_ISSUER,
      audience: OWN_ISSUER,
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
    });
    return payload.sub!;
  }
}
