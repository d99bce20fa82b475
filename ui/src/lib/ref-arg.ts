/**
 * A user-typed reference as a management API `{ref}` path element: a bare commit hash (8–64 hex digits) becomes a
 * detached `@<hash>`, anything else is a branch or tag name (URL-encoded so `feature/x` stays one segment), and
 * `name@hash` keeps its hash.
 *
 * @example refArg('feature/x') // 'feature%2Fx'; refArg('6599b8f548cd') // '@6599b8f548cd'
 */
export function refArg(text: string): string {
  const t = text.trim();
  if (/^[0-9a-f]{8,64}$/.test(t)) return `@${t}`;
  const at = t.lastIndexOf('@');
  if (at > 0 && /^[0-9a-f]{8,64}$/.test(t.slice(at + 1)))
    return `${encodeURIComponent(t.slice(0, at))}@${t.slice(at + 1)}`;
  return encodeURIComponent(t);
}

/** The same reference as an Iceberg REST ref segment (`/iceberg/<ref>/v1`): a bare hash is `@<hash>`. */
export function icebergRef(text: string): string {
  const t = text.trim();
  return /^[0-9a-f]{8,64}$/.test(t) ? `@${t}` : t;
}
