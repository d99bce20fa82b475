import type { Policy, Principal } from './policy.ts';

/** What a caller may do to one reference, in the policy's terms (the same decisions the requests get). */
export interface RefPermissions {
  /** Reading it, in some namespaces at least (namespace-restricted rules); reads outside them are still refused. */
  read: boolean;
  /** Direct commits (Iceberg writes, `history/commit`), in some namespaces at least: never on a protected branch. */
  commit: boolean;
  /**
   * Merge or transplant into it, of keys in some namespaces at least (namespace-restricted rules): a merge that changes
   * a key outside them is still refused.
   */
  merge: boolean;
  /** Create, re-point or delete it. */
  manage: boolean;
  /** Matches a `protected` pattern: changes arrive only by merge. */
  protected: boolean;
}

/**
 * The caller's permissions on each named reference, so a client (the web UI) can offer only what will be allowed.
 * Without a policy (no auth config, loopback) everything is allowed and nothing is protected.
 *
 * @example refPermissions(policy, { id: 'bi', roles: ['reader'], via: 'client' }, ['main'])
 *   // { main: { read: true, commit: false, merge: false, manage: false, protected: true } }
 */
export function refPermissions(
  policy: Policy | undefined,
  principal: Principal | undefined,
  refs: readonly string[],
): Record<string, RefPermissions> {
  const out: Record<string, RefPermissions> = {};
  for (const ref of refs) {
    if (!policy || !principal) {
      out[ref] = { read: true, commit: true, merge: true, manage: true, protected: false };
      continue;
    }
    // Reading, committing and merging may be granted for some namespaces only; managing is reference-wide.
    const inSome = (kind: 'read' | 'commit' | 'merge') =>
      policy.decide(principal, [{ kind, ref, ns: { under: [] } }]).allow;
    out[ref] = {
      read: inSome('read'),
      commit: inSome('commit'),
      merge: inSome('merge'),
      manage: policy.decide(principal, [{ kind: 'manage', ref }]).allow,
      protected: policy.isProtected(ref),
    };
  }
  return out;
}
