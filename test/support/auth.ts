import { hashSecret, type AuthConfigInput } from '@ratatouille/catalog-server';
import { http } from './server.ts';

/** Client secrets of the team config below (tests only; the config itself holds their hashes). */
export const SECRETS = {
  etl: 'etl-secret',
  bi: 'bi-secret',
  rel: 'rel-secret',
  ops: 'ops-secret',
  guest: 'guest-secret',
} as const;
export type TeamClient = keyof typeof SECRETS;

/**
 * The auth config of the security docs' example: `etl` writes anywhere but protected `main`, `bi` reads, `rel`
 * (releaser) merges into `main`, `ops` is admin, `guest` reads only `team/*`.
 */
export const TEAM_AUTH: AuthConfigInput = {
  clients: [
    { id: 'etl', 'secret-sha256': hashSecret(SECRETS.etl), roles: ['writer'] },
    { id: 'bi', 'secret-sha256': hashSecret(SECRETS.bi), roles: ['reader'] },
    { id: 'rel', 'secret-sha256': hashSecret(SECRETS.rel), roles: ['releaser', 'reader'] },
    { id: 'ops', 'secret-sha256': hashSecret(SECRETS.ops), roles: ['admin'] },
    { id: 'guest', 'secret-sha256': hashSecret(SECRETS.guest), roles: ['guest'] },
  ],
  roles: {
    reader: [{ refs: ['*'], allow: ['read'] }],
    writer: [{ refs: ['*'], allow: ['read', 'write'] }],
    releaser: [{ refs: ['main'], allow: ['read', 'merge'] }],
    admin: [{ refs: ['*'], allow: ['admin'] }],
    guest: [{ refs: ['team/*'], allow: ['read'] }],
  },
  protected: ['main', 'release/*'],
};

/** A bearer token for one of the team's clients, from the server's token endpoint (client credentials grant). */
export function tokenFor(serverUrl: string, client: TeamClient): Promise<string> {
  return clientToken(serverUrl, client, SECRETS[client]);
}

/** A bearer token for any configured client, from the server's token endpoint (client credentials grant). */
export async function clientToken(serverUrl: string, clientId: string, secret: string): Promise<string> {
  const r = await http(
    'POST',
    `${serverUrl}/iceberg/v1/oauth/tokens`,
    new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      scope: 'catalog',
    }).toString(),
    { 'content-type': 'application/x-www-form-urlencoded' },
  );
  if (r.status !== 200) throw new Error(`token for ${clientId}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.access_token as string;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * Requests as named clients of a test server with auth on (its URL known once started): URL builders for the Iceberg
 * REST API on a ref and the management API, and `as(client, …)` sending a request with that client's token.
 *
 * @example const c = asClients(() => server.url); await c.signIn(['ops'], SECRET); await c.as('ops', 'GET', c.api('/trees'))
 */
export function asClients(serverUrl: () => string) {
  const headers: Record<string, Record<string, string>> = {};
  return {
    ice: (p: string, ref?: string) =>
      `${serverUrl()}/iceberg${ref === undefined ? '' : `/${encodeURIComponent(ref)}`}/v1${p}`,
    api: (p: string) => `${serverUrl()}/api/v2${p}`,
    as: (who: string, method: string, url: string, body?: unknown) => http(method, url, body, headers[who]),
    /** Gets a token for each client (all with the same secret). */
    async signIn(clients: string[], secret: string): Promise<void> {
      for (const id of clients) headers[id] = bearer(await clientToken(serverUrl(), id, secret));
    },
  };
}

const AUTH_ENV = ['RAT_TOKEN', 'RAT_CLIENT_ID', 'RAT_CLIENT_SECRET'] as const;
export type AuthEnv = Partial<Record<(typeof AUTH_ENV)[number], string>>;

/**
 * For tests of clients that read their credentials from the environment (git hooks git starts, the engine in this
 * process): returns a setter that replaces the RAT_TOKEN / RAT_CLIENT_* variables of this process, and registers a
 * mocha `after` hook that restores them.
 *
 * @example const credentials = useAuthEnv(); credentials({ RAT_CLIENT_ID: 'etl', RAT_CLIENT_SECRET: SECRETS.etl });
 */
export function useAuthEnv(): (env: AuthEnv) => void {
  const saved = Object.fromEntries(AUTH_ENV.map((k) => [k, process.env[k]]));
  after(() => {
    for (const k of AUTH_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  return (env) => {
    for (const k of AUTH_ENV) delete process.env[k];
    Object.assign(process.env, env);
  };
}
