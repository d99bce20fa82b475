import { LOCATION_PROPERTIES } from '../../service/iceberg/confine.ts';

/**
 * Whether an Iceberg REST write chooses where files go: a table's or view's `location` or a write-path property at
 * create or commit, a namespace's `location` property, or a registration (whose metadata file names its table's
 * folder and every file it reads). Files are not separated by namespace: branches and namespaces share the
 * warehouse, so a caller limited to some namespaces who could point a table of its own at another namespace's folder
 * (or register another table's metadata file) would read that table's files through it, with remote signing or
 * scoped credentials. Such requests therefore need a reference-wide `write`; the catalog's own placement (no
 * location given) stays open to everyone who may write the namespace.
 *
 * `rest` is the path after `v1/`, with or without the optional prefix segment (both readings are tried, as the
 * router does); a body that does not parse as expected chooses nothing here (its handler answers 400).
 *
 * @example choosesLocation('POST', ['namespaces', 'sales', 'tables'], { name: 't', location: 's3://b/hr/x' }) // true
 */
export function choosesLocation(method: string, rest: readonly string[], body: unknown): boolean {
  if (method !== 'POST') return false;
  return [rest, rest.slice(1)].some((segs) => readingChooses(segs, asRecord(body)));
}

function readingChooses(segs: readonly string[], b: Record<string, unknown>): boolean {
  const lit = (i: number, ...words: string[]) => words.includes(segs[i]?.toLowerCase() ?? '\u0000');
  if (segs.length === 1 && lit(0, 'namespaces')) return 'location' in asRecord(b['properties']);
  if (segs.length === 2 && lit(0, 'transactions') && lit(1, 'commit')) {
    const changes = Array.isArray(b['table-changes']) ? b['table-changes'] : [];
    return changes.some((c) => updatesChoose(asRecord(c)['updates']));
  }
  if (!lit(0, 'namespaces') || segs.length < 3) return false;
  if (segs.length === 3 && lit(2, 'register', 'register-view')) return true;
  if (segs.length === 3 && lit(2, 'properties')) return 'location' in asRecord(b['updates']);
  if (segs.length === 3 && lit(2, 'tables', 'views')) {
    return b['location'] !== undefined || setsLocationProperty(asRecord(b['properties']));
  }
  if (segs.length === 4 && lit(2, 'tables', 'views')) return updatesChoose(b['updates']);
  return false;
}

/** A commit's updates that move the table or view, or set a property naming where files are written. */
function updatesChoose(updates: unknown): boolean {
  if (!Array.isArray(updates)) return false;
  return updates.some((u) => {
    const r = asRecord(u);
    if (r['action'] === 'set-location') return true;
    return r['action'] === 'set-properties' && setsLocationProperty(asRecord(r['updates']));
  });
}

function setsLocationProperty(props: Record<string, unknown>): boolean {
  return LOCATION_PROPERTIES.some((k) => k in props);
}

function asRecord(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Whether a management API commit (`history/commit`) chooses where files are: a `PUT` of a table, a view or a function
 * names its metadata file (as a registration does), and one of a namespace may name its `location`.
 *
 * @example operationsChooseLocation([{ type: 'PUT', key: { elements: ['s', 't'] }, content: { type: 'ICEBERG_TABLE' } }]) // true
 */
export function operationsChooseLocation(operations: unknown): boolean {
  if (!Array.isArray(operations)) return false;
  return operations.some((op) => {
    const r = asRecord(op);
    if (r['type'] !== 'PUT') return false;
    const content = asRecord(r['content']);
    return content['type'] !== 'NAMESPACE' || 'location' in asRecord(content['properties']);
  });
}
