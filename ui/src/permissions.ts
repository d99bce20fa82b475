/**
 * The signed-in caller's permissions per reference, as the server's policy decides them (`/api/v2/rat/whoami`), so
 * pages offer only the actions that will be allowed. Lookups made in the same moment (every visible row of a list)
 * go out as one request; answers are kept until the session changes.
 */
import { useEffect, useState } from 'react';
import { whoami, type RefPermissions } from './api.ts';
import { onSessionChange } from './session.ts';

const ALL: RefPermissions = { read: true, commit: true, merge: true, manage: true, protected: false };
/** The server's most per request. */
const BATCH = 1000;

let known = new Map<string, Promise<RefPermissions>>();
let waiting = new Map<string, { resolve: (p: RefPermissions) => void; reject: (e: unknown) => void }>();
let scheduled = false;
/** False once the server said it runs without auth: then every action is allowed and nothing is asked. */
let authEnabled: boolean | undefined;

onSessionChange(() => {
  known = new Map();
  authEnabled = undefined;
  mayCreate = true;
});

let mayCreate = true;

/** Tells the module what the app learned at start (`whoami()`), so a catalog without auth asks nothing more. */
export function setWhoAmI(me: { authEnabled: boolean; mayCreate: boolean }): void {
  authEnabled = me.authEnabled;
  mayCreate = me.mayCreate;
}

/** False when the caller may create no reference at all (then no tag buttons). */
export function mayCreateReferences(): boolean {
  return mayCreate;
}

/** @example const p = await permissionsFor('main'); p.merge // false for a reader */
export function permissionsFor(ref: string): Promise<RefPermissions> {
  if (authEnabled === false) return Promise.resolve(ALL);
  let p = known.get(ref);
  if (!p) {
    p = new Promise<RefPermissions>((resolve, reject) => waiting.set(ref, { resolve, reject }));
    known.set(ref, p);
    // A failed lookup is asked again next time.
    p.catch(() => known.delete(ref));
    if (!scheduled) {
      scheduled = true;
      setTimeout(flush, 0);
    }
  }
  return p;
}

async function flush(): Promise<void> {
  scheduled = false;
  const batch = waiting;
  waiting = new Map();
  const names = [...batch.keys()];
  for (let i = 0; i < names.length; i += BATCH) {
    const chunk = names.slice(i, i + BATCH);
    try {
      const answer = await whoami(chunk);
      for (const n of chunk) batch.get(n)!.resolve(answer.refs[n] ?? ALL);
    } catch (e) {
      for (const n of chunk) batch.get(n)!.reject(e);
    }
  }
}

/**
 * Permissions on each of `refs`; undefined while loading (pages then keep their actions disabled) or when the
 * lookup failed.
 */
export function useRefPermissions(refs: string[]): Record<string, RefPermissions> | undefined {
  const key = refs.join('\u0000');
  const [state, setState] = useState<{ key: string; perms: Record<string, RefPermissions> }>();
  useEffect(() => {
    let live = true;
    const names = key ? key.split('\u0000') : [];
    Promise.all(names.map((n) => permissionsFor(n))).then(
      (ps) => live && setState({ key, perms: Object.fromEntries(names.map((n, i) => [n, ps[i]!])) }),
      () => live && setState(undefined),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return state?.key === key ? state.perms : undefined;
}
