import type { Request } from 'express';
import type { Policy, Principal } from '../../auth/policy.ts';

/**
 * What a handler may know about the caller once the authorization middleware let the request through: who it is
 * (for the commit author) and which references it may read (for listings). Never the token.
 */
export interface Access {
  /** Undefined when the catalog runs without an auth config (loopback only). */
  principal?: Principal;
  canRead(ref: string): boolean;
}

const OPEN: Access = { canRead: () => true };
const byRequest = new WeakMap<Request, Access>();

/** Called by the middleware only. */
export function grantAccess(req: Request, principal: Principal, policy: Policy): void {
  byRequest.set(req, { principal, canRead: (ref) => policy.has(principal, 'read', ref) });
}

/** @example const refs = (await store.listReferences()).filter((r) => accessOf(req).canRead(r.name)) */
export function accessOf(req: Request): Access {
  return byRequest.get(req) ?? OPEN;
}
