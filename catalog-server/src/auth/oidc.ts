import type { createRemoteJWKSet, JWTPayload } from 'jose';
import { jose } from './jose.ts';
import type { AuthConfig } from './config.ts';
import type { Principal } from './policy.ts';

type OidcConfig = NonNullable<AuthConfig['oidc']>;

/**
 * Verifies bearer JWTs from an external OpenID provider against its JWKS: signature, issuer, audience and expiry.
 * The key set is found through the issuer's discovery document on first use (or `jwks-uri`), cached by jose and
 * re-fetched when a token names an unknown `kid` (the provider rotated its keys).
 *
 * @example const p = await new OidcVerifier(cfg.oidc).verify(jwt) // { id: 'alice', roles: ['reader'], via: 'oidc' }
 */
export class OidcVerifier {
  private jwks?: Promise<ReturnType<typeof createRemoteJWKSet>>;

  constructor(private readonly cfg: OidcConfig) {}

  get issuer(): string {
    return this.cfg.issuer;
  }

  async verify(token: string): Promise<Principal> {
    const { jwtVerify } = await jose();
    const { payload } = await jwtVerify(token, await this.keySet(), {
      issuer: this.cfg.issuer,
      audience: this.cfg.audience,
      requiredClaims: ['exp'],
    });
    const id = payload[this.cfg['principal-claim']];
    if (typeof id !== 'string' || id.length === 0) {
      throw new Error(`the token has no "${this.cfg['principal-claim']}" claim naming the caller`);
    }
    return { id, roles: rolesOf(payload, this.cfg['roles-claim']), via: 'oidc' };
  }

  private keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.jwks ??= Promise.all([this.discover(), jose()]).then(([uri, j]) => j.createRemoteJWKSet(new URL(uri)));
    // A provider that was down at the first request must not stay unusable until restart.
    this.jwks.catch(() => (this.jwks = undefined));
    return this.jwks;
  }

  private async discover(): Promise<string> {
    if (this.cfg['jwks-uri']) return this.cfg['jwks-uri'];
    const url = `${this.cfg.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`OIDC discovery at ${url} answered ${res.status}`);
    const doc = (await res.json()) as { jwks_uri?: unknown };
    if (typeof doc.jwks_uri !== 'string') throw new Error(`OIDC discovery at ${url} has no jwks_uri`);
    return doc.jwks_uri;
  }
}

/** Role names from a claim holding a string array or one (space- or comma-separated) string. */
function rolesOf(payload: JWTPayload, claim: string): string[] {
  const v = payload[claim];
  if (Array.isArray(v)) return v.filter((r): r is string => typeof r === 'string');
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean);
  return [];
}
