/**
 * Signing in to a catalog with auth on. The UI holds a bearer token, never a client secret: client credentials are
 * exchanged once at the catalog's token endpoint (the OAuth2 `client_credentials` grant every Iceberg client uses),
 * and a token from an identity provider can be pasted as is. The token lives in sessionStorage, so it is gone when the
 * tab closes and is not shared with other tabs; the server refuses it (401) once it expires, and the UI then asks
 * to sign in again.
 */

import { bearerToken } from './lib/bearer-token.ts';

const STORAGE_KEY = 'rat.session';

export interface Session {
  token: string;
  /** How it was obtained: client credentials at our token endpoint, or pasted (e.g. an OIDC provider's token). */
  via: 'client' | 'token';
}

/** Why the sign-in page shows: never signed in, signed out, or the server refused the token. */
export type SignedOutReason = 'none' | 'signed-out' | 'expired';

const listeners = new Set<(reason: SignedOutReason) => void>();
let current: Session | undefined = load();

function load(): Session | undefined {
  try {
    const raw = window.sessionStorage.getItem(STORAGE_KEY);
    const s = raw ? (JSON.parse(raw) as Partial<Session>) : undefined;
    // A token no header can carry (kept by an older version of the UI) would fail every request: start signed out.
    const token = s && typeof s.token === 'string' ? bearerToken(s.token) : undefined;
    return token && (s!.via === 'client' || s!.via === 'token') ? { token, via: s!.via } : undefined;
  } catch {
    return undefined;
  }
}

function save(session: Session | undefined, reason: SignedOutReason): void {
  current = session;
  if (session) window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else window.sessionStorage.removeItem(STORAGE_KEY);
  for (const l of listeners) l(reason);
}

/** The `Authorization` header value for API calls, if signed in. */
export function authorization(): string | undefined {
  return current ? `Bearer ${current.token}` : undefined;
}

export function currentSession(): Session | undefined {
  return current;
}

/** Called on sign-in and sign-out; returns the unsubscribe function. */
export function onSessionChange(listener: (reason: SignedOutReason) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A refused sign-in: `error` is the OAuth2 error code (`invalid_client` for a wrong id or secret). */
export class SignInError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Exchanges client credentials for a token at `/iceberg/v1/oauth/tokens` and keeps the token (not the secret).
 *
 * @example await signInWithClient('bi', secret) // then every API call sends Authorization: Bearer <token>
 */
export async function signInWithClient(clientId: string, clientSecret: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${window.location.origin}/iceberg/v1/oauth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }).toString(),
    });
  } catch (e) {
    throw new SignInError(0, 'unreachable', `Cannot reach the catalog (${(e as Error).message}).`);
  }
  const body = (await res.json().catch(() => ({}))) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!res.ok || !body.access_token) {
    // Without an auth config the catalog has no token endpoint: there is nothing to sign in to.
    const error = body.error ?? (res.status === 404 ? 'no_auth' : 'http');
    throw new SignInError(res.status, error, body.error_description ?? `The catalog answered ${res.status}.`);
  }
  save({ token: body.access_token, via: 'client' }, 'none');
}

/**
 * Keeps a bearer token obtained elsewhere (an identity provider's, or one `rat` printed); the server checks it. Text
 * that is no token (see bearerToken) is refused here, with `invalid_token`, instead of being kept.
 */
export function signInWithToken(pasted: string): void {
  const token = bearerToken(pasted);
  if (!token) {
    throw new SignInError(
      0,
      'invalid_token',
      'That is not a bearer token: it has characters no token holds (letters, digits and - . _ ~ + / = only).',
    );
  }
  save({ token, via: 'token' }, 'none');
}

export function signOut(): void {
  save(undefined, 'signed-out');
}

/** The server refused the token (401): forget it and ask to sign in again. */
export function sessionExpired(): void {
  if (current) save(undefined, 'expired');
  else for (const l of listeners) l('expired');
}
