import type { AuthConfig, Permission } from './config.ts';
import { namespaceGlob, namespaceName, reachesBelow } from './namespace-glob.ts';
import type { NamespaceScope } from './namespace-scope.ts';
import { matchesEveryRef, refGlob } from './ref-glob.ts';

export type { NamespaceScope } from './namespace-scope.ts';

/** Who is calling: a configured client or an identity provider's subject, with the role names it holds. */
export interface Principal {
  id: string;
  roles: readonly string[];
  /** How it authenticated: our own token (client credentials) or an OIDC provider's. */
  via: 'client' | 'oidc';
}

/**
 * What a request does to which reference. `ref: null` stands for "any reference": a detached commit (`@hash`), which
 * may belong to any branch, or a listing across all of them.
 */
export type Action =
  /**
   * `at`: the commit a `ref@hash` names. The policy decides on `ref`; the commit must also be on `ref`'s history,
   * which the authorization middleware checks against the store (a pure policy cannot).
   */
  | { kind: 'read'; ref: string | null; at?: string; ns?: NamespaceScope }
  /**
   * A direct commit (Iceberg writes, `history/commit`). On a write, `at` is the commit its path names as `ref@hash`:
   * the head a management API write expects, or the point in history an Iceberg write cannot land on. The policy
   * decides on `ref`; the middleware answers one off `ref`'s history itself for callers who may not read every
   * reference, so that a commit of a reference they cannot read and no commit at all get the same answer.
   */
  | {
      kind: 'commit';
      ref: string | null;
      at?: string;
      ns?: NamespaceScope;
      /** The commit chooses where files go (a location, a write path, a registration): reference-wide only. */
      choosesLocation?: true;
    }
  /**
   * A merge or transplant into `ref` (`at`: the expected head, as for a commit). Without `ns` it may change any key,
   * which only a reference-wide rule grants; a caller whose rules name namespaces merges key by key (`ns` of each
   * changed key, checked once the merge knows its keys).
   */
  | { kind: 'merge'; ref: string | null; at?: string; ns?: NamespaceScope }
  /** Create, re-point or delete the reference itself (`at`: the expected head, as for a commit). */
  | { kind: 'manage'; ref: string | null; at?: string };

export type Decision =
  | { allow: true }
  | {
      allow: false;
      permission: Permission;
      ref: string | null;
      reason: 'missing-permission' | 'protected' | 'chooses-location';
      /** The dotted name of the namespace refused, when the action named one. */
      namespace?: string;
    };

interface CompiledRule {
  patterns: RegExp[];
  everyRef: boolean;
  allow: ReadonlySet<Permission>;
  /** Absent: every namespace (the rule is reference-wide). */
  namespaces?: { globs: RegExp[]; patterns: readonly string[] };
}

/** The auth config's rules in a form that answers questions fast; build once per config. */
export class Policy {
  private readonly roles = new Map<string, CompiledRule[]>();
  private readonly protectedRefs: RegExp[];

  constructor(config: Pick<AuthConfig, 'roles' | 'protected'>) {
    for (const [name, rules] of Object.entries(config.roles)) {
      this.roles.set(
        name,
        rules.map((r) => ({
          patterns: r.refs.map(refGlob),
          everyRef: r.refs.some(matchesEveryRef),
          allow: new Set(r.allow),
          ...(r.namespaces ? { namespaces: { globs: r.namespaces.map(namespaceGlob), patterns: r.namespaces } } : {}),
        })),
      );
    }
    this.protectedRefs = config.protected.map(refGlob);
  }

  /** True when direct commits to this branch are refused. */
  isProtected(ref: string): boolean {
    return this.protectedRefs.some((p) => p.test(ref));
  }

  /**
   * True when one of the principal's roles grants `permission` (or `admin`) on `ref` (`null`: on every ref) for
   * `ns`. Without `ns` the question is about the whole reference, which only rules without `namespaces` answer yes.
   */
  has(principal: Principal, permission: Permission, ref: string | null, ns?: NamespaceScope): boolean {
    // Named once per question, not once per rule.
    const name = ns === undefined ? '' : namespaceName('in' in ns ? ns.in : ns.under);
    for (const role of principal.roles) {
      for (const rule of this.roles.get(role) ?? []) {
        if (!rule.allow.has(permission) && !rule.allow.has('admin')) continue;
        if (!(ref === null ? rule.everyRef : rule.patterns.some((p) => p.test(ref)))) continue;
        if (coversNamespace(rule, ns, name)) return true;
      }
    }
    return false;
  }

  /**
   * True when one of the principal's roles grants `permission` (or `admin`) reference-wide on some references: what
   * creating a reference needs (a namespace-restricted rule never manages references).
   */
  grantsSomewhere(principal: Principal, permission: Permission): boolean {
    return principal.roles.some((role) =>
      (this.roles.get(role) ?? []).some(
        (r) => r.namespaces === undefined && (r.allow.has(permission) || r.allow.has('admin')),
      ),
    );
  }

  /**
   * The authorization decision for everything one request does: allowed only if every action is.
   * - read: `read` on the ref;
   * - commit: `write` on the ref, and the ref is not protected (protected refs change only by merge);
   * - merge into a protected ref: `merge` there; into any other: `write` or `merge`;
   * - manage (create, assign, delete) a protected ref: `admin`; any other: `write`.
   *
   * @example policy.decide({ id: 'etl', roles: ['writer'], via: 'client' }, [{ kind: 'commit', ref: 'main' }])
   *   // { allow: false, permission: 'merge', ref: 'main', reason: 'protected' }
   */
  decide(principal: Principal, actions: readonly Action[]): Decision {
    for (const a of actions) {
      const d = this.decideOne(principal, a);
      if (!d.allow) return d;
    }
    return { allow: true };
  }

  private decideOne(p: Principal, a: Action): Decision {
    const isProtected = a.ref === null || this.isProtected(a.ref);
    const ns = a.kind === 'manage' ? undefined : a.ns;
    const namespace = ns && 'in' in ns ? { namespace: namespaceName(ns.in) } : {};
    const deny = (
      permission: Permission,
      reason: 'missing-permission' | 'protected' | 'chooses-location' = 'missing-permission',
    ) => ({ allow: false, permission, ref: a.ref, reason, ...namespace }) as const;
    switch (a.kind) {
      case 'read':
        return this.has(p, 'read', a.ref, ns) ? { allow: true } : deny('read');
      case 'commit':
        if (a.ref !== null && this.isProtected(a.ref)) return deny('merge', 'protected');
        if (this.has(p, 'write', a.ref, ns)) return { allow: true };
        return deny(
          'write',
          a.choosesLocation && this.has(p, 'write', a.ref, { under: [] }) ? 'chooses-location' : undefined,
        );
      case 'merge':
        if (this.has(p, 'merge', a.ref, ns)) return { allow: true };
        if (!isProtected && this.has(p, 'write', a.ref, ns)) return { allow: true };
        return deny('merge');
      case 'manage':
        if (isProtected) return this.has(p, 'admin', a.ref) ? { allow: true } : deny('admin');
        return this.has(p, 'write', a.ref) ? { allow: true } : deny('write');
    }
  }
}

/**
 * Whether a rule that grants the permission on the reference covers `ns` (`name`: its dotted name). A rule without
 * `namespaces` covers everything; one with them covers no reference-wide action, a namespace its patterns match, and a
 * listing under a namespace when it may read that namespace or one below it (the whole reference: any namespace).
 */
function coversNamespace(rule: CompiledRule, ns: NamespaceScope | undefined, name: string): boolean {
  if (rule.namespaces === undefined) return true;
  if (ns === undefined) return false;
  if (rule.namespaces.globs.some((g) => g.test(name))) return true;
  if ('in' in ns) return false;
  return ns.under.length === 0 || rule.namespaces.patterns.some((p) => reachesBelow(p, name));
}
