import { useState, type FormEvent } from 'react';
import { SignInError, signInWithClient, signInWithToken, type SignedOutReason } from '../session.ts';

const REASONS: Record<SignedOutReason, string | undefined> = {
  none: undefined,
  'signed-out': 'Signed out.',
  expired: 'The catalog refused the token (it expired or is not valid here): sign in again.',
};

/**
 * Sign in to a catalog with auth on: OAuth2 client credentials (what `rat`, PyIceberg and Spark use), exchanged for a
 * token at the catalog's token endpoint, or a bearer token obtained elsewhere (an identity provider's).
 */
export function SignInPage({ reason }: { reason: SignedOutReason }) {
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const withClient = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      await signInWithClient(clientId.trim(), secret);
    } catch (err) {
      setError(
        err instanceof SignInError && err.error === 'invalid_client'
          ? `Wrong client id or secret (${err.error}).`
          : err instanceof SignInError
            ? `${err.error}: ${err.message}`
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };

  const withToken = (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      if (token.trim()) signInWithToken(token);
    } catch (err) {
      setError(err instanceof SignInError ? err.message : String(err));
    }
  };

  return (
    <section className="signin">
      <h1>Sign in</h1>
      <p className="muted">This catalog requires authentication.</p>
      {REASONS[reason] && (
        <p className="muted" role="status">
          {REASONS[reason]}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <form className="card" onSubmit={withClient} aria-label="Sign in with client credentials">
        <h2>Client credentials</h2>
        <label>
          Client id
          <input autoComplete="username" value={clientId} onChange={(e) => setClientId(e.target.value)} />
        </label>
        <label>
          Client secret
          <input
            type="password"
            autoComplete="current-password"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
        </label>
        <button type="submit" className="primary" disabled={busy || !clientId.trim() || !secret}>
          Sign in
        </button>
      </form>
      <form className="card" onSubmit={withToken} aria-label="Sign in with a bearer token">
        <h2>Bearer token</h2>
        <p className="muted">
          A token from the catalog&apos;s identity provider (OIDC) or from its token endpoint. It is kept for this tab
          only.
        </p>
        <label>
          Token
          <textarea rows={3} value={token} onChange={(e) => setToken(e.target.value)} />
        </label>
        <button type="submit" disabled={!token.trim()}>
          Use token
        </button>
      </form>
    </section>
  );
}
