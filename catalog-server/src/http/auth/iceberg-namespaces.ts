import type { NamespaceScope } from '../../auth/namespace-scope.ts';

/**
 * The namespaces an Iceberg REST request acts on, read from its path after `v1/`, its query and its body, for
 * namespace-restricted rules. `undefined` means "the whole reference": a path no route below names (express answers
 * it 404 or 405 anyway) or a body that does not name its namespaces plainly (its handler would answer 400), so only a
 * reference-wide rule lets it through (closed until listed).
 *
 * The router accepts an optional `{prefix}` segment after `v1/` and tries the path without one first; rather than
 * repeat that order here, both readings are taken and the request needs every namespace either names: a path that
 * reads both ways (a namespace called `namespaces`) asks more, never less.
 *
 * @example icebergNamespaces('GET', ['namespaces', 'sales', 'tables', 'orders'], {}, undefined) // [{ in: ['sales'] }]
 */
export function icebergNamespaces(
  method: string,
  rest: readonly string[],
  query: Record<string, unknown>,
  body: unknown,
): NamespaceScope[] | undefined {
  const readings = [rest, ...(rest.length > 0 ? [rest.slice(1)] : [])].map((r) => routeScopes(method, r, query, body));
  const matched = readings.filter((r) => r !== 'no-route');
  if (matched.length === 0 || matched.includes('whole-ref')) return undefined;
  return (matched as NamespaceScope[][]).flat();
}

type Reading = NamespaceScope[] | 'no-route' | 'whole-ref';

/** The namespaces one reading of the path names (literal segments in any case, as express matches them). */
function routeScopes(method: string, segs: readonly string[], query: Record<string, unknown>, body: unknown): Reading {
  const lit = (i: number, ...words: string[]) => words.includes(segs[i]?.toLowerCase() ?? '\u0000');
  const b = (body ?? {}) as Record<string, unknown>;
  // Only reads take the filtered scope: another method on a listing's path is no listing (express answers 405).
  const reads = method === 'GET' || method === 'HEAD';
  if (segs.length === 1 && lit(0, 'config')) return reads ? [{ under: [] }] : 'whole-ref';
  if (segs.length === 1 && lit(0, 'namespaces')) {
    if (reads) {
      const parent = first(query['parent']);
      if (parent === undefined || parent === '') return [{ under: [] }];
      return oneOf(levelsOf(parent), (ns) => ({ under: ns }));
    }
    return method === 'POST' ? oneOf(stringArray(b['namespace']), (ns) => ({ in: ns })) : 'whole-ref';
  }
  if (segs.length === 2 && lit(0, 'tables', 'views') && lit(1, 'rename')) {
    const ends = [b['source'], b['destination']].map((id) => stringArray((id as { namespace?: unknown })?.namespace));
    return ends.some((e) => e === undefined) ? 'whole-ref' : ends.map((ns) => ({ in: ns! }));
  }
  if (segs.length === 2 && lit(0, 'transactions') && lit(1, 'commit')) {
    const changes = b['table-changes'];
    if (!Array.isArray(changes) || changes.length === 0) return 'whole-ref';
    const all = changes.map((c) => stringArray((c as { identifier?: { namespace?: unknown } })?.identifier?.namespace));
    return all.some((e) => e === undefined) ? 'whole-ref' : all.map((ns) => ({ in: ns! }));
  }
  if (!lit(0, 'namespaces') || segs.length < 2) return 'no-route';
  // `namespaces/<ns>`, `…/properties`, `…/tables`, `…/views`, `…/functions`, `…/register`, `…/register-view`, and
  // everything under one table, view or function (load, exists, commit, drop, credentials, sign, metrics, plan and its
  // tasks): its namespace.
  const shape =
    segs.length === 2 ||
    (segs.length === 3 && lit(2, 'properties', 'tables', 'views', 'functions', 'register', 'register-view')) ||
    (segs.length >= 4 && lit(2, 'tables', 'views', 'functions'));
  return shape ? oneOf(levelsOf(decode(segs[1]!)), (ns) => ({ in: ns })) : 'no-route';
}

function oneOf(levels: string[] | undefined, scope: (ns: string[]) => NamespaceScope): Reading {
  return levels === undefined ? 'whole-ref' : [scope(levels)];
}

/** Namespace levels as the router's `namespaceOf` reads them (joined by U+001F); undefined when it would answer 400. */
function levelsOf(value: string | undefined): string[] | undefined {
  if (value === undefined || value.length === 0) return undefined;
  const levels = value.split('\u001f');
  return levels.some((l) => l.length === 0) ? undefined : levels;
}

/** A body's namespace: a non-empty array of non-empty strings, else undefined. */
function stringArray(v: unknown): string[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return v.every((l) => typeof l === 'string' && l.length > 0) ? (v as string[]) : undefined;
}

/** A query value as the routes read it: the first of repeated values. */
function first(v: unknown): string | undefined {
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
