import type { IncomingMessage } from 'node:http';
import { keyNamespaces } from '../../auth/namespace-scope.ts';
import type { Action, Policy, Principal } from '../../auth/policy.ts';
import { ForbiddenError } from '../../errors/index.ts';
import type { KeyAuthorizer } from '../../store/types.ts';

/**
 * Merges and transplants by callers whose rules name namespaces. Such a caller may merge what lies inside its
 * namespaces: the authorization step lets the request through on rights in some namespace of the target and the
 * source, and the merge then asks, for each key the source changed, the rights it needs on both references in that
 * key's namespace (a table's or view's by the namespace that holds it, a deleted key's both ways, as for a commit).
 * One key outside them refuses the whole merge (403 naming the namespace) before anything is resolved or written.
 */

// Keyed by node's request object, as the rest of the request's access.
const perKeyActions = new WeakMap<IncomingMessage, readonly Action[]>();

/** Called by the authorization step for a request whose requirement has `perKey` actions. */
export function requireKeyChecks(req: IncomingMessage, actions: readonly Action[]): void {
  perKeyActions.set(req, actions);
}

/**
 * The check a merge of this request runs on its keys; undefined when nothing is left to check: the request is not a
 * merge, or the caller holds the rights on the whole of both references.
 *
 * @example keyAuthorizer(req, policy, principal)?.([{ key: { elements: ['hr', 'pay'] }, type: 'ICEBERG_TABLE' }]) // throws 403
 */
export function keyAuthorizer(req: IncomingMessage, policy: Policy, principal: Principal): KeyAuthorizer | undefined {
  const actions = perKeyActions.get(req);
  if (!actions || policy.decide(principal, actions).allow) return undefined;
  return (keys) => {
    for (const { key, type } of keys) {
      for (const levels of keyNamespaces(key.elements, type)) {
        const d = policy.decide(
          principal,
          actions.map((a) => (a.kind === 'manage' ? a : { ...a, ns: { in: levels } })),
        );
        if (!d.allow) throw new ForbiddenError(principal.id, d.permission, d.ref, d.reason, undefined, d.namespace);
      }
    }
  };
}
