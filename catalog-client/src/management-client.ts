import { exchangeJson, NoResponseError, type JsonExchange } from './json-exchange.ts';
import { defaultCredentials, type CatalogAuth, type CatalogCredentials } from './auth.ts';

/**
 * Typed client for the management API (`/api/v2`, Nessie REST v2 shapes). It works against Ratatouille and against
 * a real Nessie server alike. Used by the `rat` CLI and git-sync.
 *
 * @example
 *   const api = new ManagementClient({ server: 'http://127.0.0.1:8181' });
 *   const main = await api.getReference('main');
 *   await api.createReference('feature/x', 'BRANCH', main);
 */

/** An `/api/v2` error response (Nessie's `status`/`errorCode` fields), or a transport failure (`status` 0). */
export class ManagementApiError extends Error {
  readonly code = 'MANAGEMENT_API_ERROR' as const;
  constructor(
    readonly status: number,
    /** Nessie's `errorCode`: `REFERENCE_NOT_FOUND`, `REFERENCE_CONFLICT`, `REFERENCE_ALREADY_EXISTS`, `BAD_REQUEST`… */
    readonly errorCode: string,
    message: string,
    readonly method: string,
    readonly url: string,
    /** Nessie's `errorDetails` (e.g. `{ conflicts: [...] }` on a merge conflict), when present. */
    readonly details: unknown = null,
  ) {
    super(`${method} ${url} → ${status} ${errorCode}: ${message}`);
    this.name = 'ManagementApiError';
  }
  get isConflict(): boolean {
    return this.status === 409;
  }
  get isNotFound(): boolean {
    return this.status === 404;
  }
}

export type ReferenceType = 'BRANCH' | 'TAG';

/** A code commit's link to the data commit it saw (`/api/v2/git/links/{sha}`, Ratatouille's git lockstep). */
export interface CodeLink {
  sha: string;
  dataRef: string;
  dataHash: string;
  codeBranch?: string;
  recordedAt?: string;
}

/**
 * A forge merge the server could not finish alone (`/api/v2/git/pending-merges`): `rebuild` — everything else was
 * merged (`mergedHash`), the derived `tables` wait for a rebuild with the merged code; `conflict` — nothing was merged,
 * `blocking` tables need a decision.
 */
export interface PendingMerge {
  id: string;
  sourceRef: string;
  targetRef: string;
  sourceHash: string;
  sourceBranch: string;
  targetBranch: string;
  mergeSha?: string;
  forge: string;
  request?: number;
  state: 'rebuild' | 'conflict';
  tables: string[];
  blocking: string[];
  mergedHash?: string;
  recordedAt: string;
}

export interface Reference {
  type: ReferenceType;
  name: string;
  hash: string;
}

export interface ContentKey {
  elements: string[];
}

/** Content as the API returns it (a namespace, an Iceberg table or view; other fields per type). */
export interface Content {
  type: 'NAMESPACE' | 'ICEBERG_TABLE' | 'ICEBERG_VIEW' | string;
  id: string;
  [field: string]: unknown;
}

export interface CommitMeta {
  hash: string;
  committer: string;
  authors: string[];
  message: string;
  commitTime: string;
  authorTime: string;
  allProperties?: Record<string, string[]>;
  parentCommitHashes: string[];
}

export interface LogEntry {
  commitMeta: CommitMeta;
  parentCommitHash: string | null;
  operations: Array<{ type: 'PUT' | 'DELETE'; key: ContentKey; content?: Content }> | null;
}

export interface Entry {
  type: string;
  name: ContentKey;
  contentId: string;
  content: Content | null;
}

export interface DiffEntry {
  key: ContentKey;
  from: Content | null;
  to: Content | null;
}

export interface Paged {
  token: string | null;
  hasMore: boolean;
}

export interface EffectiveReference {
  type: ReferenceType | 'DETACHED';
  name?: string;
  hash: string;
}

export type Operation =
  | { type: 'PUT'; key: ContentKey; content: Record<string, unknown> }
  | { type: 'DELETE'; key: ContentKey }
  | { type: 'UNCHANGED'; key: ContentKey };

export interface CommitMetaInput {
  message: string;
  author?: string;
  authorTime?: string;
  properties?: Record<string, string>;
}

export interface CommitResponse {
  targetBranch: Reference;
  addedContents: Array<{ key: ContentKey; contentId: string }> | null;
}

export type MergeBehavior = 'NORMAL' | 'FORCE' | 'DROP';

export interface MergeOptions {
  dryRun?: boolean;
  returnConflictAsResult?: boolean;
  defaultKeyMergeMode?: MergeBehavior;
  keyMergeModes?: Array<{ key: ContentKey; mergeBehavior: MergeBehavior }>;
  message?: string;
  /** Commit properties of the merge commit (with `message`), e.g. git-sync's `rat.git.merge-commit`. */
  properties?: Record<string, string>;
}

export interface MergeResponse {
  wasApplied: boolean;
  wasSuccessful: boolean;
  resultantTargetHash: string | null;
  commonAncestor: string | null;
  targetBranch: string;
  effectiveTargetHash: string;
  expectedHash: string | null;
  details: Array<{
    key: ContentKey;
    mergeBehavior: MergeBehavior;
    conflict?: { conflictType: string; key: ContentKey; message: string };
    /** Ratatouille: TAKEN (source value), KEPT (target value), IDENTICAL, RESOLVED (content-aware merge), CONFLICT. */
    outcome?: 'TAKEN' | 'KEPT' | 'IDENTICAL' | 'RESOLVED' | 'CONFLICT';
    /** Ratatouille: what the content-aware merge did or why it refused ("replayed 2 snapshots, +3 files, +1,200 rows"). */
    resolution?: { summary: string; stats?: Record<string, number> };
  }>;
}

export interface ReflogEntry {
  refName: string;
  refType: ReferenceType;
  previousHash: string | null;
  newHash: string | null;
  operation: string;
  at: string;
}

/** What `POST /api/v2/rat/gc` reports: what it kept, scanned, and deleted (or would delete on a dry run). */
export interface GcReport {
  dryRun: boolean;
  keepHistory: string;
  snapshots: 'all' | 'refs';
  graceMs: number | null;
  keptCommits: number;
  metadataFiles: number;
  reachableFiles: number;
  scannedFiles: number;
  files: Array<{ location: string; size: number }>;
  bytes: number;
  youngFiles: number;
  deleted: number;
  foreignMetadata: string[];
}

export interface PageOptions {
  maxRecords?: number;
  pageToken?: string;
}

export interface ManagementClientOptions {
  /** Server root, e.g. `http://127.0.0.1:8181` (the client appends `/api/v2`). */
  server: string;
  headers?: Record<string, string>;
  /** Give up on a request after this long (git hooks must never hang git); default: no limit. */
  timeoutMs?: number;
  /** For a catalog with auth on; default: `defaultCredentials(server)` (environment, else saved by `rat login`). */
  credentials?: CatalogCredentials;
}

/**
 * A `{ref}` path element: `name`, `name@hash` (a fixed commit; for writes, the expected head). Slashes in names are
 * URL-encoded so a name stays one path segment.
 */
export function refPath(name: string, hash?: string): string {
  return encodeURIComponent(name) + (hash ? `@${hash}` : '');
}

const ESCAPE: Record<string, string> = { '.': '*.', '*': '**', '/': '*{', '\\': '*}', '%': '*[' };
const UNESCAPE: Record<string, string> = Object.fromEntries(
  Object.entries(ESCAPE).map(([plain, esc]) => [esc[1]!, plain]),
);

/**
 * A content key as text, in Nessie's path encoding: `a.b` when no element contains `.`, `/`, `\` or `%`, else the
 * escaped form starting with `.` (`*.` `**` `*{` `*}` `*[`). The namespace `a.b` (one level) is `.a*.b`; the path
 * `a`,`b` is `a.b`, so the two never read alike. `parseKeyText` reads it back.
 *
 * @example formatKeyText({ elements: ['db', 'a.b'] }) // '.db.a*.b'
 */
export function formatKeyText(key: ContentKey): string {
  const plain = !key.elements.some((e) => /[./\\%]/.test(e));
  if (plain) return key.elements.join('.');
  return '.' + key.elements.map((e) => e.replace(/[.*/\\%]/g, (c) => ESCAPE[c]!)).join('.');
}

/**
 * Reads a key written by `formatKeyText` (or typed by a user the same way).
 *
 * @example parseKeyText('.db.a*.b') // { elements: ['db', 'a.b'] }; parseKeyText('db.t') // { elements: ['db', 't'] }
 */
export function parseKeyText(text: string): ContentKey {
  if (!text.startsWith('.')) return { elements: text.split('.').filter((e) => e.length > 0) };
  const elements: string[] = [];
  let current = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '.') {
      elements.push(current);
      current = '';
    } else if (c === '*') {
      const plain = UNESCAPE[text[i + 1] ?? ''];
      if (plain === undefined)
        throw new Error(`Key "${text}": "*${text[i + 1] ?? ''}" is not an escape (*. ** *{ *} *[).`);
      current += plain;
      i++;
    } else {
      current += c;
    }
  }
  if (current.length > 0) elements.push(current);
  return { elements };
}

/** A content key in Nessie's path encoding (`formatKeyText`), URL-encoded. */
export function encodeKey(key: ContentKey): string {
  return encodeURIComponent(formatKeyText(key));
}

export class ManagementClient {
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs?: number;

  private readonly auth: CatalogAuth;

  constructor(opts: ManagementClientOptions) {
    this.baseUrl = `${opts.server.replace(/\/+$/, '')}/api/v2`;
    this.auth = { server: opts.server, credentials: opts.credentials ?? defaultCredentials(opts.server) };
    this.headers = opts.headers ?? {};
    this.timeoutMs = opts.timeoutMs;
  }

  /** `GET /config`: default branch, spec version, the no-ancestor (root) hash. */
  getConfig(): Promise<{ defaultBranch: string; specVersion: string; noAncestorHash: string }> {
    return this.request('GET', '/config');
  }

  /** Every branch and tag (follows paging to the end). */
  async listReferences(): Promise<Reference[]> {
    return this.collect<Reference>((q) => this.request('GET', `/trees${q}`), 'references');
  }

  async getReference(name: string): Promise<Reference> {
    return (await this.request<{ reference: Reference }>('GET', `/trees/${refPath(name)}`)).reference;
  }

  /** Creates `name` at the commit `from` points at (`from` = an existing reference, e.g. from getReference). */
  async createReference(name: string, type: ReferenceType, from: Reference): Promise<Reference> {
    const q = `?name=${encodeURIComponent(name)}&type=${type}`;
    return (await this.request<{ reference: Reference }>('POST', `/trees${q}`, from)).reference;
  }

  /** Deletes `name` if it is still at `expectedHash` (409 otherwise). */
  async deleteReference(name: string, expectedHash: string, type?: ReferenceType): Promise<Reference> {
    const q = type ? `?type=${type}` : '';
    return (await this.request<{ reference: Reference }>('DELETE', `/trees/${refPath(name, expectedHash)}${q}`))
      .reference;
  }

  /** Moves `name` from `expectedHash` to the commit `to` points at (409 if `name` moved meanwhile). */
  async assignReference(name: string, expectedHash: string, to: Reference, type?: ReferenceType): Promise<Reference> {
    const q = type ? `?type=${type}` : '';
    return (await this.request<{ reference: Reference }>('PUT', `/trees/${refPath(name, expectedHash)}${q}`, to))
      .reference;
  }

  /** One page of history, newest first. `ref` is a `{ref}` path element (see refPath). */
  log(ref: string, opts: PageOptions & { fetchAll?: boolean } = {}): Promise<Paged & { logEntries: LogEntry[] }> {
    return this.request(
      'GET',
      `/trees/${ref}/history${query({ ...paging(opts), fetch: opts.fetchAll ? 'ALL' : undefined })}`,
    );
  }

  entries(
    ref: string,
    opts: PageOptions & { prefix?: ContentKey; withContent?: boolean } = {},
  ): Promise<Paged & { entries: Entry[]; effectiveReference: EffectiveReference }> {
    const q = query({
      ...paging(opts),
      'prefix-key': opts.prefix ? formatKeyText(opts.prefix) : undefined,
      content: opts.withContent ? 'true' : undefined,
    });
    return this.request('GET', `/trees/${ref}/entries${q}`);
  }

  /** Key-level differences from `from` to `to` (both `{ref}` path elements). */
  diff(
    from: string,
    to: string,
    opts: PageOptions & { prefix?: ContentKey } = {},
  ): Promise<
    Paged & { diffs: DiffEntry[]; effectiveFromReference: EffectiveReference; effectiveToReference: EffectiveReference }
  > {
    const q = query({
      ...paging(opts),
      'prefix-key': opts.prefix ? formatKeyText(opts.prefix) : undefined,
    });
    return this.request('GET', `/trees/${from}/diff/${to}${q}`);
  }

  /** The content at `key`, or undefined when there is none. */
  async getContent(ref: string, key: ContentKey): Promise<Content | undefined> {
    try {
      return (await this.request<{ content: Content }>('GET', `/trees/${ref}/contents/${encodeKey(key)}`)).content;
    } catch (e) {
      if (e instanceof ManagementApiError && e.errorCode === 'CONTENT_NOT_FOUND') return undefined;
      throw e;
    }
  }

  getContents(
    ref: string,
    keys: ContentKey[],
  ): Promise<{ contents: Array<{ key: ContentKey; content: Content }>; effectiveReference: EffectiveReference }> {
    return this.request('POST', `/trees/${ref}/contents`, { requestedKeys: keys });
  }

  /** One atomic commit on `branch`, based on `expectedHash`. */
  commit(
    branch: string,
    expectedHash: string,
    meta: CommitMetaInput,
    operations: Operation[],
  ): Promise<CommitResponse> {
    return this.request('POST', `/trees/${refPath(branch, expectedHash)}/history/commit`, {
      commitMeta: meta,
      operations,
    });
  }

  /** Merges `from` (at its hash) into `branch` (expected at `expectedHash`). */
  merge(branch: string, expectedHash: string, from: Reference, opts: MergeOptions = {}): Promise<MergeResponse> {
    return this.request('POST', `/trees/${refPath(branch, expectedHash)}/history/merge?rat-details=true`, {
      fromRefName: from.name,
      fromHash: from.hash,
      ...mergeFlags(opts),
      ...(opts.message
        ? { commitMeta: { message: opts.message, ...(opts.properties ? { properties: opts.properties } : {}) } }
        : {}),
    });
  }

  /** Copies the commits `hashes` (oldest first) of `fromRefName` onto `branch`. */
  transplant(
    branch: string,
    expectedHash: string,
    fromRefName: string,
    hashes: string[],
    opts: MergeOptions = {},
  ): Promise<MergeResponse> {
    return this.request('POST', `/trees/${refPath(branch, expectedHash)}/history/transplant?rat-details=true`, {
      fromRefName,
      hashesToTransplant: hashes,
      ...mergeFlags(opts),
      ...(opts.message ? { message: opts.message } : {}),
    });
  }

  /** Ratatouille extension (git lockstep): the data commit code commit `sha` saw, or undefined when none is recorded. */
  async getCodeLink(sha: string): Promise<CodeLink | undefined> {
    try {
      return await this.request<CodeLink>('GET', `/git/links/${encodeURIComponent(sha)}`);
    } catch (e) {
      if (e instanceof ManagementApiError && e.isNotFound) return undefined;
      throw e;
    }
  }

  /** Ratatouille extension (git lockstep): records that code commit `sha` saw data commit `dataHash` of `dataRef`. */
  putCodeLink(sha: string, link: { dataRef: string; dataHash: string; codeBranch?: string }): Promise<CodeLink> {
    return this.request('PUT', `/git/links/${encodeURIComponent(sha)}`, link);
  }

  /** Ratatouille extension (git lockstep): forge merges into data branch `target` waiting for `rat sync`. */
  async listPendingMerges(target: string): Promise<PendingMerge[]> {
    const r = await this.request<{ pendingMerges: PendingMerge[] }>('GET', `/git/pending-merges${query({ target })}`);
    return r.pendingMerges;
  }

  /** Ratatouille extension (git lockstep): forgets a pending forge merge once finished or settled (idempotent). */
  async clearPendingMerge(id: string, target: string): Promise<void> {
    await this.request('DELETE', `/git/pending-merges/${encodeURIComponent(id)}${query({ target })}`);
  }

  /** Ratatouille extension (not in Nessie): ref head moves, newest first. */
  reflog(opts: PageOptions & { ref?: string } = {}): Promise<Paged & { logEntries: ReflogEntry[] }> {
    return this.request('GET', `/rat/reflog${query({ ...paging(opts), ref: opts.ref })}`);
  }

  /** Branch-aware garbage collection of the warehouses (`rat gc`); `dryRun` lists without deleting. */
  gc(
    opts: { dryRun?: boolean; keepHistory?: string; gracePeriod?: string; snapshots?: 'all' | 'refs' } = {},
  ): Promise<GcReport> {
    return this.request('POST', '/rat/gc', opts);
  }

  private async collect<T>(page: (q: string) => Promise<Paged & Record<string, unknown>>, field: string): Promise<T[]> {
    const out: T[] = [];
    let token: string | null = null;
    do {
      const body: Paged & Record<string, unknown> = await page(query({ 'page-token': token ?? undefined }));
      out.push(...(body[field] as T[]));
      token = body.hasMore ? body.token : null;
    } while (token);
    return out;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    let res: JsonExchange;
    try {
      res = await exchangeJson(method, url, {
        headers: { accept: 'application/json', ...this.headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: this.timeoutMs,
        parse: JSON.parse,
        auth: this.auth,
      });
    } catch (e) {
      if (!(e instanceof NoResponseError)) throw e;
      throw new ManagementApiError(0, 'UNREACHABLE', `cannot reach the server (${e.message})`, method, url);
    }
    if (!res.ok) {
      const err = (res.body ?? {}) as { message?: string; errorCode?: string; errorDetails?: unknown };
      throw new ManagementApiError(
        res.status,
        err.errorCode ?? 'UNKNOWN',
        err.message ?? (typeof res.body === 'string' ? res.body : res.statusText),
        method,
        url,
        err.errorDetails ?? null,
      );
    }
    return res.body as T;
  }
}

/** Sends both spellings of the flags: Nessie 0.99 reads `isDryRun`, its OpenAPI document says `dryRun`. */
function mergeFlags(o: MergeOptions): Record<string, unknown> {
  return {
    ...(o.dryRun !== undefined ? { isDryRun: o.dryRun, dryRun: o.dryRun } : {}),
    ...(o.returnConflictAsResult !== undefined
      ? { isReturnConflictAsResult: o.returnConflictAsResult, returnConflictAsResult: o.returnConflictAsResult }
      : {}),
    ...(o.defaultKeyMergeMode ? { defaultKeyMergeMode: o.defaultKeyMergeMode } : {}),
    ...(o.keyMergeModes ? { keyMergeModes: o.keyMergeModes } : {}),
  };
}

function paging(o: PageOptions): Record<string, string | undefined> {
  return { 'max-records': o.maxRecords?.toString(), 'page-token': o.pageToken };
}

function query(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
