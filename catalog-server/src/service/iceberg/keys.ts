import type { ContentKey } from '../../store/types.ts';
import { assertKeyWithinLimits } from '../../limits.ts';

/** `["db","sales"]` → the namespace's content key; depth, names and length within LIMITS (as /api/v2 checks). */
export function namespaceKey(namespace: readonly string[]): ContentKey {
  assertKeyWithinLimits(namespace, 'namespace');
  return { elements: [...namespace] };
}

/** A table's or view's content key: namespace levels followed by its name. */
export function objectKey(namespace: readonly string[], name: string): ContentKey {
  const elements = [...namespaceKey(namespace).elements, name];
  assertKeyWithinLimits(elements);
  return { elements };
}

/** Dotted display name used in messages and commit messages (`db.sales.orders`). */
export function displayName(namespace: readonly string[], name?: string): string {
  return [...namespace, ...(name === undefined ? [] : [name])].join('.');
}

/**
 * Makes a name safe as one path segment of a storage location: names may hold `/`, spaces or unicode, which would
 * nest directories or need escaping in `file:` URIs. The uuid suffix added by callers keeps locations unique.
 */
export function pathSegment(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return s.length > 0 ? s.slice(0, 100) : '_';
}
