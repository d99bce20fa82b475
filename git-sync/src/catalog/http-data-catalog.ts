import { CatalogRequestFailedError, CatalogUnreachableError } from '../errors/index.ts';
import type {
  CodeLink,
  DataCatalog,
  DataLogEntry,
  DataMergeOutcome,
  DataMergeRequest,
  DataReference,
} from './data-catalog.ts';

export interface HttpDataCatalogOptions {
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** A hook must never hang git forever: requests give up after this long (default 15 s, `RAT_TIMEOUT_MS`). */
  timeoutMs?: number;
}

const enc = encodeURIComponent;

/**
 * A `DataCatalog` over the server's Nessie-style management API (`/api/v2/trees…`) and its code-link API
 * (`/api/v2/git/links/{sha}`).
 *
 * @example const catalog = httpDataCatalog('http://127.0.0.1:8181'); await catalog.getReference('main')
 */
export function httpDataCatalog(url: string, opts: HttpDataCatalogOptions = {}): DataCatalog {
  const base = url.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? (Number(process.env['RAT_TIMEOUT_MS']) || 15_000);

  async function call<T>(method: string, path: string, body?: unknown, allow404 = false): Promise<T | undefined> {
    const target = `${base}${path}`;
    let res: Response;
    try {
      res = await doFetch(target, {
        method,
        headers:
          body === undefined
            ? { accept: 'application/json' }
            : { 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      throw new CatalogUnreachableError(base, e.cause?.code ?? e.cause?.message ?? e.message);
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (res.status === 404 && allow404) return undefined;
    if (!res.ok) {
      const p = (parsed ?? {}) as { errorCode?: string; message?: string; error?: { message?: string; type?: string } };
      throw new CatalogRequestFailedError(
        method,
        path,
        res.status,
        p.errorCode ?? p.error?.type ?? 'UNKNOWN',
        p.message ?? p.error?.message ?? String(text).slice(0, 200),
      );
    }
    return parsed as T;
  }

  return {
    url: base,
    async getReference(name) {
      const r = await call<{ reference: DataReference }>('GET', `/api/v2/trees/${enc(name)}`, undefined, true);
      return r?.reference;
    },
    async createReference(name, type, from) {
      const r = await call<{ reference: DataReference }>('POST', `/api/v2/trees?name=${enc(name)}&type=${type}`, {
        type: from.type,
        name: from.name,
        hash: from.hash,
      });
      return r!.reference;
    },
    async deleteReference(ref) {
      await call('DELETE', `/api/v2/trees/${enc(`${ref.name}@${ref.hash}`)}?type=${ref.type}`);
    },
    async merge(targetBranch, req: DataMergeRequest): Promise<DataMergeOutcome> {
      const target = req.expectedHash ? `${targetBranch}@${req.expectedHash}` : targetBranch;
      const r = await call<{
        resultantTargetHash: string;
        commonAncestor?: string | null;
        wasApplied: boolean;
        wasSuccessful: boolean;
        details?: Array<{ key: { elements: string[] }; conflict?: { conflictType?: string; message?: string } | null }>;
      }>('POST', `/api/v2/trees/${enc(target)}/history/merge`, {
        fromRefName: req.fromRefName,
        fromHash: req.fromHash,
        // Nessie 0.99 reads the `is…` spellings, its OpenAPI document shows the others: send both.
        dryRun: req.dryRun ?? false,
        isDryRun: req.dryRun ?? false,
        returnConflictAsResult: true,
        isReturnConflictAsResult: true,
        message: req.message,
        commitMeta: req.message ? { message: req.message, properties: req.properties ?? {} } : undefined,
        keyMergeModes: req.keyMergeModes?.map((m) => ({ key: { elements: m.key }, mergeBehavior: m.mergeBehavior })),
      });
      return {
        resultantTargetHash: r!.resultantTargetHash,
        commonAncestor: r!.commonAncestor ?? null,
        wasApplied: r!.wasApplied,
        wasSuccessful: r!.wasSuccessful,
        keys: (r!.details ?? []).map((d) => d.key.elements),
        conflicts: (r!.details ?? [])
          .filter((d) => d.conflict)
          .map((d) => ({
            key: d.key.elements,
            conflictType: d.conflict?.conflictType ?? 'UNKNOWN',
            message: d.conflict?.message ?? '',
          })),
      };
    },
    async history(ref, maxRecords) {
      type Meta = {
        hash: string;
        message: string;
        properties?: Record<string, string>;
        allProperties?: Record<string, string[]>;
        parentCommitHashes?: string[];
      };
      const r = await call<{ logEntries: Array<{ commitMeta: Meta; parentCommitHash?: string | null }> }>(
        'GET',
        `/api/v2/trees/${enc(ref)}/history?max-records=${maxRecords}`,
      );
      return (r?.logEntries ?? []).slice(0, maxRecords).map((e): DataLogEntry => {
        const m = e.commitMeta;
        // Nessie v2 sends multi-valued `allProperties`; older shapes send `properties`.
        const properties: Record<string, string> = { ...(m.properties ?? {}) };
        for (const [k, vs] of Object.entries(m.allProperties ?? {})) if (vs.length) properties[k] = vs[vs.length - 1];
        return {
          hash: m.hash,
          message: m.message,
          properties,
          parentHashes: m.parentCommitHashes ?? (e.parentCommitHash ? [e.parentCommitHash] : []),
        };
      });
    },
    async getLink(sha) {
      return call<CodeLink>('GET', `/api/v2/git/links/${enc(sha)}`, undefined, true);
    },
    async putLink(link: CodeLink) {
      const r = await call<CodeLink>('PUT', `/api/v2/git/links/${enc(link.sha)}`, {
        dataRef: link.dataRef,
        dataHash: link.dataHash,
        codeBranch: link.codeBranch,
      });
      return r!;
    },
  };
}
