import { exchangeJson } from './json-exchange.ts';

/**
 * How a client of ours proves who it is to a catalog with auth on: a bearer token as is, or OAuth2 client
 * credentials exchanged for a token at the catalog's `/iceberg/v1/oauth/tokens`.
 */
export type CatalogCredentials = { token: string } | { clientId: string; clientSecret: string };

/** The environment variables every client of ours reads (the `rat` CLI, git hooks, the engine). */
export const CLIENT_AUTH_ENV = {
  token: 'RAT_TOKEN',
  clientId: 'RAT_CLIENT_ID',
  clientSecret: 'RAT_CLIENT_SECRET',
} as const;

/**
 * Credentials from `RAT_TOKEN`, else `RAT_CLIENT_ID` + `RAT_CLIENT_SECRET`; undefined when neither is set (a
 * loopback catalog without auth).
 *
 * @example credentialsFromEnv({ RAT_CLIENT_ID: 'etl', RAT_CLIENT_SECRET: 's' }) // { clientId: 'etl', clientSecret: 's' }
 */
export function credentialsFromEnv(
  env: Record<string, string | undefined> = processEnv(),
): CatalogCredentials | undefined {
  const token = env[CLIENT_AUTH_ENV.token];
  if (token) return { token };
  const clientId = env[CLIENT_AUTH_ENV.clientId];
  const clientSecret = env[CLIENT_AUTH_ENV.clientSecret];
  if (clientId && clientSecret !== undefined) return { clientId, clientSecret };
  return undefined;
}

/** Node's environment; empty in a browser (the web UI imports this package too, without Node's types). */
function processEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
}

let saved: ((server: string) => CatalogCredentials | undefined) | undefined;

/**
 * Lets a program supply credentials it saved per server (the `rat` CLI's `rat login`), used when the environment has
 * none.
 */
export function useSavedCredentials(lookup: (server: string) => CatalogCredentials | undefined): void {
  saved = lookup;
}

/**
 * What a client uses when given no credentials: the environment's, else the saved ones for this server.
 *
 * @example defaultCredentials('http://127.0.0.1:8181') // { clientId: 'etl', clientSecret: '…' } after `rat login`
 */
export function defaultCredentials(server: string): CatalogCredentials | undefined {
  return credentialsFromEnv() ?? saved?.(server.replace(/\/+$/, ''));
}

/** A catalog server and what to authenticate to it with: what `exchangeJson` needs to add `Authorization`. */
export interface CatalogAuth {
  /** Server root, e.g. `http://127.0.0.1:8181`. */
  server: string;
  credentials?: CatalogCredentials;
}

/** A refused token request (wrong client id or secret); the message carries the server's OAuth2 error. */
export class CatalogAuthError extends Error {}

interface CachedToken {
  token: string;
  /** Epoch ms after which a new token is fetched (a minute before the server's expiry). */
  renewAt: number;
}

// Shared by every client instance in the process: a git hook or a pipeline run makes many clients.
const tokens = new Map<string, Promise<CachedToken>>();

/**
 * The `Authorization` header value for a request, or undefined without credentials. Client-credential tokens are
 * fetched once per server and client id and renewed shortly before they expire; `renew` forces a new one (after a
 * 401).
 *
 * @example await authorizationFor({ server, credentials: { clientId: 'etl', clientSecret: 's' } }) // 'Bearer eyJ…'
 */
export async function authorizationFor(auth: CatalogAuth, renew = false): Promise<string | undefined> {
  const c = auth.credentials;
  if (!c) return undefined;
  if ('token' in c) return `Bearer ${c.token}`;
  const key = `${auth.server}\n${c.clientId}`;
  let cached = tokens.get(key);
  if (cached && !renew) {
    const t = await cached.catch(() => undefined);
    if (t && t.renewAt > Date.now()) return `Bearer ${t.token}`;
  }
  cached = fetchToken(auth.server, c);
  tokens.set(key, cached);
  cached.catch(() => tokens.delete(key));
  return `Bearer ${(await cached).token}`;
}

async function fetchToken(server: string, c: { clientId: string; clientSecret: string }): Promise<CachedToken> {
  const url = `${server.replace(/\/+$/, '')}/iceberg/v1/oauth/tokens`;
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: c.clientId,
    client_secret: c.clientSecret,
    scope: 'catalog',
  });
  const res = await exchangeJson('POST', url, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    parse: JSON.parse,
  });
  const body = (res.body ?? {}) as {
    access_token?: unknown;
    expires_in?: unknown;
    error?: unknown;
    error_description?: unknown;
  };
  if (!res.ok || typeof body.access_token !== 'string') {
    const why =
      typeof body.error === 'string' ? `${body.error}: ${String(body.error_description ?? '')}` : res.statusText;
    throw new CatalogAuthError(`Token request for client "${c.clientId}" at ${url} failed (${res.status} ${why}).`);
  }
  const ttl = typeof body.expires_in === 'number' ? body.expires_in : 3600;
  return { token: body.access_token, renewAt: Date.now() + Math.max(0, ttl - 60) * 1000 };
}
