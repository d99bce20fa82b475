import { ManagementApiError, ManagementClient } from '@ratatouille/catalog-client';
import { CatalogRequestFailedError, CatalogUnreachableError } from '../errors/index.ts';
import type { DataCatalog, DataLogEntry, DataMergeOutcome, DataReference } from './data-catalog.ts';

export interface HttpDataCatalogOptions {
  /** A hook must never hang git forever: requests give up after this long (default 15 s, `RAT_TIMEOUT_MS`). */
  timeoutMs?: number;
}

/**
 * A `DataCatalog` over the server's Nessie-style management API and its code-link API, through the shared
 * `ManagementClient`. Its errors become git-sync's: no answer → `CatalogUnreachableError` (hooks journal the step),
 * an error status → `CatalogRequestFailedError` with the status and the server's error code.
 *
 * @example const catalog = httpDataCatalog('http://127.0.0.1:8181'); await catalog.getReference('main')
 */
export function httpDataCatalog(url: string, opts: HttpDataCatalogOptions = {}): DataCatalog {
  const base = url.replace(/\/+$/, '');
  const client = new ManagementClient({
    server: base,
    timeoutMs: opts.timeoutMs ?? (Number(process.env['RAT_TIMEOUT_MS']) || 15_000),
  });

  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ManagementApiError) {
        if (e.status === 0) throw new CatalogUnreachableError(base, String(e.cause ?? e.message));
        throw new CatalogRequestFailedError(e.method, e.url, e.status, e.errorCode, e.message, e.catalogCode);
      }
      throw e;
    }
  };
  const orUndefined = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call(fn);
    } catch (e) {
      if (e instanceof CatalogRequestFailedError && e.status === 404) return undefined;
      throw e;
    }
  };

  return {
    url: base,
    getReference: (name) => orUndefined(() => client.getReference(name)),
    createReference: (name, type, from) => call(() => client.createReference(name, type, from)),
    assignReference: (ref, to) => call(() => client.assignReference(ref.name, ref.hash, to, ref.type)),
    async deleteReference(ref: DataReference) {
      await call(() => client.deleteReference(ref.name, ref.hash, ref.type));
    },
    async merge(targetBranch, req): Promise<DataMergeOutcome> {
      // The management API needs the target head for every write; without one, merge onto the current head.
      const expected = req.expectedHash ?? (await call(() => client.getReference(targetBranch))).hash;
      const from = {
        type: 'BRANCH' as const,
        name: req.fromRefName,
        hash: req.fromHash ?? (await call(() => client.getReference(req.fromRefName))).hash,
      };
      const r = await call(() =>
        client.merge(targetBranch, expected, from, {
          dryRun: req.dryRun ?? false,
          returnConflictAsResult: true,
          message: req.message,
          properties: req.properties,
          keyMergeModes: req.keyMergeModes?.map((m) => ({ key: { elements: m.key }, mergeBehavior: m.mergeBehavior })),
        }),
      );
      return {
        resultantTargetHash: r.resultantTargetHash ?? expected,
        commonAncestor: r.commonAncestor ?? null,
        wasApplied: r.wasApplied,
        wasSuccessful: r.wasSuccessful,
        keys: r.details.map((d) => d.key.elements),
        conflicts: r.details.flatMap((d) => {
          if (!d.conflict) return [];
          const { conflictType, message, kinds = [] } = d.conflict;
          return [{ key: d.key.elements, conflictType, message, kinds }];
        }),
      };
    },
    async history(ref, maxRecords) {
      const page = await call(() => client.log(encodeURIComponent(ref), { maxRecords }));
      return page.logEntries.slice(0, maxRecords).map((e): DataLogEntry => {
        const m = e.commitMeta;
        const properties: Record<string, string> = {};
        for (const [k, vs] of Object.entries(m.allProperties ?? {})) if (vs.length) properties[k] = vs[vs.length - 1];
        return { hash: m.hash, message: m.message, properties, parentHashes: m.parentCommitHashes ?? [] };
      });
    },
    getLink: (sha) => call(() => client.getCodeLink(sha)),
    putLink: (link) =>
      call(() =>
        client.putCodeLink(link.sha, { dataRef: link.dataRef, dataHash: link.dataHash, codeBranch: link.codeBranch }),
      ),
    pendingMerges: (target) => call(() => client.listPendingMerges(target)),
    async clearPendingMerge(p) {
      await call(() => client.clearPendingMerge(p.id, p.targetRef));
    },
  };
}
