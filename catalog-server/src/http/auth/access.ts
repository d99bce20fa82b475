import type { IncomingMessage } from 'node:http';
import type { Policy, Principal } from '../../auth/policy.ts';
import type { KeyAuthorizer } from '../../store/types.ts';
import { keyAuthorizer } from './merge-keys.ts';

/**
 * What a handler may know about the caller once the authorization middleware let the request through: who it is
 * (for the commit author) and which references it may read (for listings). Never the token.
 */
export interface Access {
  /** Undefined when the catalog runs without an auth config (loopback only). */
  principal?: Principal;
  /** Whether it may read anything on `ref` (some namespace will do): the reference listing shows it. */
  canRead(ref: string): boolean;
  /**
   * Which namespaces it may read on `ref` (null: a detached commit), tables and views by their namespace; undefined
   * when it may read the whole reference, so listings skip the per-key check.
   */
  readableNamespaces(ref: string | null): NamespaceTest | undefined;
  /** Which namespaces a namespace listing on `ref` shows: the readable ones and the ones on the way to them. */
  shownNamespaces(ref: string | null): NamespaceTest | undefined;
  /** Whether it may read every reference (and so any commit by hash). */
  readsEverything(): boolean;
  /** Whether it may merge into `ref` (what re-pointing another reference's records needs). */
  canMerge(ref: string): boolean;
  /**
   * Whether it may commit directly to branch `ref` (never a protected one), in namespace `ns` when given (else on the
   * whole reference): what write storage credentials need.
   */
  canCommit(ref: string, ns?: readonly string[]): boolean;
  /**
   * For a merge or transplant: the check of each key it changes, for a caller whose rules name namespaces (merge-keys.ts);
   * undefined when it may merge any key.
   */
  mergeKeys(): KeyAuthorizer | undefined;
}

/** A test on namespace levels (`['sales', 'eu']`). */
export type NamespaceTest = (levels: readonly string[]) => boolean;

const OPEN: Access = {
  canRead: () => true,
  readableNamespaces: () => undefined,
  shownNamespaces: () => undefined,
  readsEverything: () => true,
  canMerge: () => true,
  canCommit: () => true,
  mergeKeys: () => undefined,
};
// Keyed by node's request object, which express's `Request` is: the front ends ahead of express grant access too.
const byRequest = new WeakMap<IncomingMessage, Access>();

/** Called by the authorization step only (the middleware, or a front end ahead of express). */
export function grantAccess(req: IncomingMessage, principal: Principal, policy: Policy): void {
  byRequest.set(req, {
    principal,
    canRead: (ref) => policy.has(principal, 'read', ref, { under: [] }),
    readableNamespaces: (ref) =>
      policy.has(principal, 'read', ref) ? undefined : (levels) => policy.has(principal, 'read', ref, { in: levels }),
    shownNamespaces: (ref) =>
      policy.has(principal, 'read', ref)
        ? undefined
        : (levels) => policy.has(principal, 'read', ref, { under: levels }),
    // Asked by few requests: decided when asked, not on every request the policy lets through.
    readsEverything: () => policy.has(principal, 'read', null),
    canMerge: (ref) => policy.decide(principal, [{ kind: 'merge', ref }]).allow,
    canCommit: (ref, ns) =>
      policy.decide(principal, [{ kind: 'commit', ref, ...(ns ? { ns: { in: ns } } : {}) }]).allow,
    mergeKeys: () => keyAuthorizer(req, policy, principal),
  });
}

/** @example const refs = (await store.listReferences()).filter((r) => accessOf(req).canRead(r.name)) */
export function accessOf(req: IncomingMessage): Access {
  return byRequest.get(req) ?? OPEN;
}

/** Property naming the authenticated caller on every commit it makes (merges and transplants included). */
export const PRINCIPAL_PROPERTY = 'rat.principal';

/**
 * Commit meta as the audit wants it: with auth on, the author is the authenticated caller (whatever the client
 * declared) and `rat.principal` names it too; without auth it is returned unchanged.
 *
 * @example auditMeta(req, { message: 'load', author: 'someone' }) // { message: 'load', author: 'etl', properties: { 'rat.principal': 'etl' } }
 */
export function auditMeta<M extends { author?: string; properties?: Record<string, string> }>(
  req: IncomingMessage,
  meta: M,
): M {
  const p = accessOf(req).principal;
  if (!p) return meta;
  return { ...meta, author: p.id, properties: { ...meta.properties, ...principalProperties(req) } };
}

/** `{ 'rat.principal': <caller> }` with auth on, `{}` without. */
export function principalProperties(req: IncomingMessage): Record<string, string> {
  const p = accessOf(req).principal;
  return p ? { [PRINCIPAL_PROPERTY]: p.id } : {};
}
