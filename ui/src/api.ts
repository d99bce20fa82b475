/**
 * Every HTTP call the UI makes goes through this module: the management API (`/api/v2`, via catalog-client's
 * ManagementClient), the Iceberg REST catalog (`/iceberg/<ref>/v1`) and the read-only `/api/v2/rat/` extras. Request
 * headers come from one place (`sharedHeaders`), which carries the signed-in bearer token; a 401 on any call ends the
 * session (back to the sign-in page).
 */
import { ManagementClient, ManagementApiError } from '@ratatouille/catalog-client/management';
import type { CommitMeta, Lineage, Reference, RowDiff } from '@ratatouille/catalog-client/management';
export type { Lineage, LineageTable, RowDiff, RowText } from '@ratatouille/catalog-client/management';
import { parseJson } from '@ratatouille/iceberg/json';
import { exactIds, type Exact } from './lib/exact-json.ts';
import type { TableMetadataView } from './lib/table-metadata.ts';
import type { ViewMetadataView } from './lib/view-metadata.ts';
import type { FunctionMetadataView } from './lib/function-metadata.ts';
import { keyText } from './lib/key-text.ts';
import { mergeRunRecords, runRecords, type RunRecord } from './lib/run-records.ts';
import { authorization, currentSession, onSessionChange, sessionExpired } from './session.ts';

const server = window.location.origin;

/**
 * Headers sent with every request, by both the typed client (which reads this object on each request) and getJson:
 * `authorization: Bearer …` while signed in.
 */
const sharedHeaders: Record<string, string> = {};

function applySessionToken(): void {
  const token = authorization();
  if (token) sharedHeaders['authorization'] = token;
  else delete sharedHeaders['authorization'];
}
applySessionToken();
onSessionChange(applySessionToken);

function requestHeaders(): Record<string, string> {
  return { accept: 'application/json', ...sharedHeaders };
}

/** A refused token ends the session; the error still reaches the caller. */
function noticeUnauthorized(status: number): void {
  if (status === 401 && currentSession()) sessionExpired();
}

/**
 * The typed client with every method's 401 noticed. It is given no credentials: in a browser it must not look for
 * any, and the session's token arrives through the shared headers.
 */
function watched(client: ManagementClient): ManagementClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(out instanceof Promise)) return out;
        return out.catch((e: unknown) => {
          if (e instanceof ManagementApiError) noticeUnauthorized(e.status);
          throw e;
        });
      };
    },
  });
}

/** The typed Nessie-shaped client (`/api/v2`). */
export const management = watched(new ManagementClient({ server, headers: sharedHeaders }));

/** A failed call to one of the UI's extra or Iceberg endpoints (status 0: no answer). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What `call` answers, or `undefined` where the policy refuses it (403): for views that go on without what the caller
 * may not read. Any other failure still fails.
 */
export function unlessRefused<T>(call: Promise<T>): Promise<T | undefined> {
  return call.catch((e: unknown) => {
    if (errorStatus(e) === 403) return undefined;
    throw e;
  });
}

/** The HTTP status of an error the API layer threw (0: no answer or not an API error). */
export function errorStatus(e: unknown): number {
  return e instanceof ManagementApiError || e instanceof ApiError ? e.status : 0;
}

/** A readable line for any error the API layer throws; a 403 says plainly that the caller may not do it. */
export function errorText(e: unknown): string {
  const text =
    e instanceof ManagementApiError
      ? `${e.status} ${e.errorCode}: ${e.message.replace(/^.*?→ \d+ \S+: /, '')}`
      : e instanceof ApiError
        ? `${e.status} ${e.errorCode}: ${e.message}`
        : e instanceof Error
          ? e.message
          : String(e);
  return errorStatus(e) === 403 ? `Not allowed. ${text}` : text;
}

/** GET a JSON document; integers beyond 2^53 arrive as exact decimal strings (snapshot ids). */
async function getJson<T>(path: string): Promise<Exact<T>> {
  let res: Response;
  try {
    res = await fetch(`${server}${path}`, { headers: requestHeaders() });
  } catch (e) {
    throw new ApiError(0, 'UNREACHABLE', (e as Error).message);
  }
  const text = await res.text();
  noticeUnauthorized(res.status);
  let body: unknown = null;
  let json = true;
  try {
    body = text ? exactIds(parseJson(text)) : null;
  } catch {
    // Not JSON: typically a proxy's or load balancer's error page while the catalog behind it is down.
    json = false;
  }
  const notJson = `${res.statusText || 'the answer'} was not JSON (a proxy in front of the catalog answering for it?)`;
  if (!res.ok) {
    const b = body as { message?: string; errorCode?: string; error?: { message?: string; type?: string } } | null;
    const message = b?.message ?? b?.error?.message ?? (json ? text : notJson);
    throw new ApiError(res.status, b?.errorCode ?? b?.error?.type ?? 'HTTP', message);
  }
  if (!json) throw new ApiError(res.status, 'NOT_JSON', notJson);
  return body as Exact<T>;
}

function query(params: Record<string, string | string[] | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) q.append(k, String(one));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface GraphPage {
  commits: CommitMeta[];
  token: string | null;
  hasMore: boolean;
}

/** One page of the commit graph reachable from `refs` (every parent), children before parents. */
export function commitGraph(refs: string[], pageToken?: string, maxRecords = 100): Promise<GraphPage> {
  return getJson(`/api/v2/rat/graph${query({ ref: refs, 'page-token': pageToken, 'max-records': maxRecords })}`);
}

export interface Comparison {
  fromHash: string;
  toHash: string;
  mergeBase: string | null;
  ahead: number;
  behind: number;
  truncated: boolean;
}

/** How many commits `from` is ahead of and behind `to`, visiting at most `limit` commits (then `truncated`). */
export function compareRefs(from: string, to: string, limit?: number): Promise<Comparison> {
  return getJson(`/api/v2/rat/compare${query({ from, to, limit })}`);
}

/** Iceberg REST path of a table, view or function at a ref (`main`, `dev@<hash>`, `@<hash>`). */
function objectPath(kind: 'tables' | 'views' | 'functions', ref: string, namespace: string[], name: string): string {
  return `/iceberg/${encodeURIComponent(ref)}/v1/namespaces/${encodeURIComponent(namespace.join('\x1f'))}/${kind}/${encodeURIComponent(name)}`;
}

/** Loads a table's metadata at a ref through the Iceberg REST catalog; snapshot ids stay exact. */
export async function loadTable(ref: string, namespace: string[], name: string): Promise<TableMetadataView> {
  const body = await getJson<{ metadata: TableMetadataView }>(
    `${objectPath('tables', ref, namespace, name)}?snapshots=all`,
  );
  return body.metadata as TableMetadataView;
}

/** Loads a view's metadata at a ref through the Iceberg REST catalog. */
export async function loadView(ref: string, namespace: string[], name: string): Promise<ViewMetadataView> {
  const body = await getJson<{ metadata: ViewMetadataView }>(objectPath('views', ref, namespace, name));
  return body.metadata as ViewMetadataView;
}

/** Loads a function's (UDF) metadata at a ref through the Iceberg REST catalog, every overloaded definition in it. */
export async function loadFunction(
  ref: string,
  namespace: string[],
  name: string,
): Promise<{ location: string; metadata: FunctionMetadataView }> {
  const body = await getJson<{ 'metadata-location': string; metadata: FunctionMetadataView }>(
    objectPath('functions', ref, namespace, name),
  );
  return { location: body['metadata-location'], metadata: body.metadata as FunctionMetadataView };
}

export interface Preview {
  columns: Array<{ id: number; name: string; type: string; required: boolean }>;
  rows: Array<Array<string | null>>;
  snapshotId: string | null;
  totalRecords: string | null;
  truncated: boolean;
  /** The next page's token (same snapshot), null on the last page. */
  nextPageToken: string | null;
  dataFiles: number;
  deleteFiles: number;
}

/**
 * The first rows of a table at a ref, as a reader sees them (delete files applied); values as text. `pageToken` (a
 * previous answer's `nextPageToken`) asks for the rows after that page.
 */
export function previewTable(ref: string, key: string[], limit = 50, pageToken?: string): Promise<Preview> {
  return getJson(`/api/v2/rat/preview${query({ ref, key: keyText(key), limit, 'page-token': pageToken })}`);
}

/**
 * The rows of a table that differ between two refs: added, removed and (by `keyColumns`, default the table's
 * identifier fields) changed, at most `limit` of each. The server reads only the data files that differ and refuses
 * (422) a comparison of more rows than it allows (250,000 unless configured).
 */
export function rowDiff(
  from: string,
  to: string,
  key: string[],
  opts: { limit?: number; keyColumns?: string[] } = {},
): Promise<RowDiff> {
  return management.rowDiff(from, to, { elements: key }, opts);
}

/**
 * Which pipeline models wrote the tables of `ref`, from which tables and landing paths, and which tables read them:
 * the whole reference in one answer (`truncated` when it holds more tables than the server reads for one).
 */
export function lineage(ref: string): Promise<Lineage> {
  return management.lineage(ref);
}

/** Every branch and tag, in pages of 5,000 (the typed client's default pages of 250 take 40 round trips for 10,000). */
export async function allReferences(): Promise<Reference[]> {
  const out: Reference[] = [];
  let token: string | undefined;
  do {
    const page = await getJson<{ references: Reference[]; hasMore: boolean; token: string | null }>(
      `/api/v2/trees${query({ 'max-records': 5000, 'page-token': token })}`,
    );
    out.push(...page.references);
    token = page.hasMore && page.token ? page.token : undefined;
  } while (token);
  return out;
}

/** The engine's run records table and the prefix of the run branches it keeps after a failed run. */
const RUNS_KEY = ['_rat', 'runs'];
const RUN_BRANCH_PREFIX = 'rat-run-';
/** Records per request (the preview endpoint's most). */
const RUNS_PAGE = 500;
/** Records read per reference at most: beyond that the page says the list is cut. */
const RUNS_MAX = 50_000;

/** Every record of the run table on one reference, page by page, all from the snapshot the first page read. */
async function allRunRows(ref: string): Promise<Preview> {
  const first = await previewTable(ref, RUNS_KEY, RUNS_PAGE);
  const rows = [...first.rows];
  let token = first.nextPageToken;
  while (token && rows.length < RUNS_MAX) {
    const page = await previewTable(ref, RUNS_KEY, RUNS_PAGE, token);
    rows.push(...page.rows);
    token = page.nextPageToken;
  }
  return { ...first, rows, truncated: token !== null, nextPageToken: token };
}

/**
 * Pipeline runs that targeted `ref`, newest first: the records in its `_rat.runs` table (successful runs, merged in)
 * plus the record each kept `rat-run-*` branch holds for its failed run. A reference without the table has no runs.
 *
 * @example const runs = await pipelineRuns('main'); runs[0]?.status // 'failed'
 */
export async function pipelineRuns(ref: string): Promise<{ runs: RunRecord[]; truncated: boolean }> {
  const runBranches = (await allReferences())
    .filter((r) => r.type === 'BRANCH' && r.name.startsWith(RUN_BRANCH_PREFIX))
    .map((r) => r.name);
  let truncated = false;
  const lists = await Promise.all(
    [ref, ...runBranches].map(async (on) => {
      try {
        const p = await allRunRows(on);
        truncated ||= p.truncated;
        return runRecords(p, ref, on);
      } catch (e) {
        // No run has written the table on this reference yet (or a kept run branch was deleted since the listing).
        // The page's own reference missing is an error to show, not an empty list.
        const missingRef = e instanceof ApiError && e.errorCode === 'REFERENCE_NOT_FOUND';
        if (e instanceof ApiError && e.status === 404 && !(missingRef && on === ref)) return [];
        throw e;
      }
    }),
  );
  return { runs: mergeRunRecords(lists), truncated };
}

/**
 * What the signed-in caller may do to one reference: read, commit directly, merge into it, manage (create, move,
 * delete) it, and whether it is protected. Everything is allowed when the catalog runs without auth.
 */
export type RefPermissions = Record<'read' | 'commit' | 'merge' | 'manage' | 'protected', boolean>;

export interface WhoAmI {
  authEnabled: boolean;
  principal: { id: string; roles: string[]; via: 'client' | 'oidc' } | null;
  /** False when the caller may create no reference at all. */
  mayCreate: boolean;
  refs: Record<string, RefPermissions>;
}

/** Who the caller is and its permissions on `refs` (at most 1,000); a 401 means: not signed in. */
export function whoami(refs: string[] = []): Promise<WhoAmI> {
  return getJson(`/api/v2/rat/whoami${query({ ref: refs })}`) as Promise<WhoAmI>;
}
