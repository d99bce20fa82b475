import type { ContentKey } from '../../store/types.ts';
import { BadRequestError } from '../../errors/index.ts';

/** `["db","sales"]` → the namespace's content key. */
export function namespaceKey(namespace: readonly string[]): ContentKey {
  if (namespace.length === 0 || namespace.some((e) => e.length === 0 || e.includes('\u0000'))) {
    throw new BadRequestError(`Invalid namespace ${JSON.stringify(namespace)}: every level needs a non-empty name.`);
  }
  return { elements: [...namespace] };
}

/** A table's or view's content key: namespace levels followed by its name. */
export function objectKey(namespace: readonly string[], name: string): ContentKey {
  if (!name || name.includes('\u0000')) throw new BadRequestError(`Invalid name ${JSON.stringify(name)}.`);
  return { elements: [...namespaceKey(namespace).elements, name] };
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
