import type { AuthConfig, Permission } from './config.ts';
import { matchesEveryRef, refGlob } from './ref-glob.ts';

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
  | { kind: 'read'; ref: string | null; at?: string }
  /**
   * A direct commit (Iceberg writes, `history/commit`). On a write, `at` is the commit its path names as `ref@hash`:
   * the head a management API write expects, or the point in history an Iceberg write cannot land on. The policy
   * decides on `ref`; the middleware answers one off `ref`'s history itself for callers who may not read every
   * reference, so that a commit of a reference they cannot read and no commit at all get the same answer.
   */
  | { kind: 'commit'; ref: string | null; at?: string }
  /** A merge or transplant into `ref` (`at`: the expected head, as for a commit). */
  | { kind: 'merge'; ref: string | null; at?: string }
  /** Create, re-point or delete the reference itself (`at`: the expected head, as for a commit). */
  | { kind: 'manage'; ref: string | null; at?: string };

export type Decision =
  | { allow: true }
  | { allow: false; permission: Permission; ref: string | null; reason: 'missing-permission' | 'protected' };

interface CompiledRule {
  patterns: RegExp[];
  everyRef: boolean;
  allow: ReadonlySet<Permission>;
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
        })),
      );
    }
    this.protectedRefs = config.protected.map(refGlob);
  }

  /** True when direct commits to this branch are refused. */
  isProtected(ref: string): boolean {
    return this.protectedRefs.some((p) => p.test(ref));
  }

  /** True when one of the principal's roles grants `permission` (or `admin`) on `ref` (`null`: on every ref). */
  has(principal: Principal, permission: Permission, ref: string | null): boolean {
    for (const role of principal.roles) {
      for (const rule of this.roles.get(role) ?? []) {
        if (!rule.allow.has(permission) && !rule.allow.has('admin')) continue;
        if (ref === null ? rule.everyRef : rule.patterns.some((p) => p.test(ref))) return true;
      }
    }
    return false;
  }

  /** True when one of the principal's roles grants `permission` (or `admin`) on some references. */
  grantsSomewhere(principal: Principal, permission: Permission): boolean {
    return principal.roles.some((role) =>
      (this.roles.get(role) ?? []).some((r) => r.allow.has(permission) || r.allow.has('admin')),
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
    const deny = (permission: Permission, reason: 'missing-permission' | 'protected' = 'missing-permission') =>
      ({ allow: false, permission, ref: a.ref, reason }) as const;
    switch (a.kind) {
      case 'read':
        return this.has(p, 'read', a.ref) ? { allow: true } : deny('read');
      case 'commit':
        if (a.ref !== null && this.isProtected(a.ref)) return deny('merge', 'protected');
        return this.has(p, 'write', a.ref) ? { allow: true } : deny('write');
      case 'merge':
        if (this.has(p, 'merge', a.ref)) return { allow: true };
        if (!isProtected && this.has(p, 'write', a.ref)) return { allow: true };
        return deny('merge');
      case 'manage':
        if (isProtected) return this.has(p, 'admin', a.ref) ? { allow: true } : deny('admin');
        return this.has(p, 'write', a.ref) ? { allow: true } : deny('write');
    }
  }
}
