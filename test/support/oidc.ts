import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestOidcProvider {
  issuer: string;
  /** An access token (JWT) for a client, from the provider's token endpoint (client credentials grant). */
  token(clientId: string, resource?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Resource indicators the provider knows; each becomes a JWT audience. `urn:short` tokens expire after 1 s. */
export const OIDC_RESOURCES = {
  'urn:ratatouille': { audience: 'ratatouille', ttl: 300 },
  'urn:other': { audience: 'other', ttl: 300 },
  'urn:short': { audience: 'ratatouille', ttl: 1 },
} as const;

/**
 * A real OpenID provider (the certified `oidc-provider` package) on a free port, with client-credentials clients
 * whose JWT access tokens carry their groups in a `groups` claim.
 *
 * @example const idp = await startOidcProvider({ 'svc-reader': ['reader'] }); const jwt = await idp.token('svc-reader');
 */
export async function startOidcProvider(groups: Record<string, string[]>): Promise<TestOidcProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const secret = (id: string) => `${id}-secret-at-the-idp-0123456789`;
  const provider = new Provider(issuer, {
    clients: Object.keys(groups).map((id) => ({
      client_id: id,
      client_secret: secret(id),
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    })),
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: (_ctx, indicator) => {
          const r = OIDC_RESOURCES[indicator as keyof typeof OIDC_RESOURCES];
          if (!r) throw new Error(`unknown resource ${indicator}`);
          return { scope: 'catalog', audience: r.audience, accessTokenTTL: r.ttl, accessTokenFormat: 'jwt' };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => ({ groups: groups[(token as { clientId?: string }).clientId ?? ''] ?? [] }),
  });
  server.on('request', provider.callback());
  return {
    issuer,
    async token(clientId, resource = 'urn:ratatouille') {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${secret(clientId)}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope: 'catalog' }).toString(),
      });
      const body = (await res.json()) as { access_token?: string };
      if (!res.ok || !body.access_token) throw new Error(`IdP token: ${res.status} ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
