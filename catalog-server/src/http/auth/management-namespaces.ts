import type { Action } from '../../auth/policy.ts';
import { keyNamespaces, type NamespaceScope } from '../../auth/namespace-scope.ts';
import type { ContentType } from '../../store/types.ts';
import { parseContentKey } from '../../service/management/content-key.ts';

/**
 * The namespaces a management API commit (`history/commit`) writes, one per operation key: a `PUT` by its content's
 * type (a namespace's key is the namespace, a table's or view's its parent), a `DELETE` or `UNCHANGED` both ways, as
 * it does not say which the key holds. `undefined` (the whole reference) when the operations are not plainly a list
 * of keys; the handler refuses those (400) anyway, and an empty commit names no namespace to scope it to.
 *
 * @example commitScopes([{ type: 'PUT', key: { elements: ['sales', 'o'] }, content: { type: 'ICEBERG_TABLE' } }])
 *   // [{ in: ['sales'] }]
 */
export function commitScopes(operations: unknown): NamespaceScope[] | undefined {
  if (!Array.isArray(operations) || operations.length === 0) return undefined;
  const scopes: NamespaceScope[] = [];
  for (const op of operations as Array<Record<string, unknown> | null>) {
    const elements = (op?.['key'] as { elements?: unknown } | undefined)?.elements;
    if (!Array.isArray(elements) || elements.length === 0 || !elements.every((e) => typeof e === 'string')) {
      return undefined;
    }
    const type = op?.['type'] === 'PUT' ? contentType(op['content']) : undefined;
    if (op?.['type'] === 'PUT' && type === undefined) return undefined;
    for (const ns of keyNamespaces(elements as string[], type)) scopes.push({ in: ns });
  }
  return scopes;
}

const CONTENT_TYPES: readonly ContentType[] = ['NAMESPACE', 'ICEBERG_TABLE', 'ICEBERG_VIEW', 'UDF'];

function contentType(content: unknown): ContentType | undefined {
  const t = (content as { type?: unknown } | null | undefined)?.type;
  return CONTENT_TYPES.find((c) => c === t);
}

/**
 * A web UI read of one table (`/rat/preview`, `/rat/row-diff`, `key=sales.orders`): of the namespace that holds it,
 * so a namespace-restricted reader previews and diffs its own tables. A key that does not parse (or none) leaves
 * the read reference-wide (its handler answers 400).
 *
 * @example tableScope({ kind: 'read', ref: 'main' }, 'sales.orders') // { kind: 'read', ref: 'main', ns: { in: ['sales'] } }
 */
export function tableScope(read: Action, key: unknown): Action {
  if (typeof key !== 'string' || key.length === 0 || read.kind !== 'read') return read;
  let elements: string[];
  try {
    elements = parseContentKey(key).elements;
  } catch {
    return read;
  }
  return elements.length < 2 ? read : { ...read, ns: { in: keyNamespaces(elements, 'ICEBERG_TABLE')[0]! } };
}

/**
 * Reading one key's content (`GET /trees/{ref}/contents/{key}`): a first check on the key alone, that the caller may
 * read its parent namespace or something below it (the key may be a table there or a namespace itself). The handler
 * decides on the content's actual type once read, and answers a key it may not read as missing. A key that does not
 * parse leaves the read reference-wide (its handler answers 400).
 */
export function contentsScope(read: Action, rawKey: string): Action {
  let elements: string[];
  try {
    elements = parseContentKey(decodeURIComponent(rawKey)).elements;
  } catch {
    return read;
  }
  return { ...read, ns: { under: elements.slice(0, -1) } } as Action;
}
