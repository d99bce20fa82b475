/**
 * In-memory stand-ins for git-sync's unit tests: a catalog that records merges (each succeeds with a new head), code
 * links and cleared pending merges, and an IO whose rebuild classifies `gold.*` as derived and `_rat.*` as append-only.
 */
import fs from 'node:fs';
import type { CodeLink, DataCatalog, DataMergeRequest, DataReference, PendingMerge } from '../catalog/data-catalog.ts';
import { defaultProjectConfig } from '../config/default-project-config.ts';
import type { DerivedRebuild, GitSyncIO, RebuildOutcome } from '../types.ts';

/** Branch heads in memory; every merge succeeds with a new head and is recorded. */
export function recordingCatalog(pending: PendingMerge[] = []) {
  const heads = new Map<string, string>([
    ['main', 'm1'],
    ['feature', 'f1'],
  ]);
  const merges: Array<{ target: string; req: DataMergeRequest }> = [];
  const links: CodeLink[] = [];
  const cleared: string[] = [];
  let n = 0;
  const ref = (name: string): DataReference | undefined =>
    heads.has(name) ? { type: 'BRANCH', name, hash: heads.get(name)! } : undefined;
  const catalog: DataCatalog = {
    url: 'http://fake',
    getReference: async (name) => ref(name),
    createReference: async (name, _type, from) => (heads.set(name, from.hash), ref(name)!),
    assignReference: async (r, to) => (heads.set(r.name, to.hash), ref(r.name)!),
    deleteReference: async (r) => void heads.delete(r.name),
    merge: async (target, req) => {
      merges.push({ target, req });
      const hash = `${target}-${++n}`;
      heads.set(target, hash);
      return {
        resultantTargetHash: hash,
        commonAncestor: 'base',
        wasApplied: true,
        wasSuccessful: true,
        keys: [],
        conflicts: [],
      };
    },
    history: async () => [],
    getLink: async () => undefined,
    putLink: async (l) => (links.push(l), l),
    pendingMerges: async (target) => pending.filter((p) => p.targetRef === target && !cleared.includes(p.id)),
    clearPendingMerge: async (p) => void cleared.push(p.id),
  };
  return { catalog, heads, merges, links, cleared };
}

export function ioWith(catalog: DataCatalog, outcome: RebuildOutcome, calls: string[][] = []): GitSyncIO {
  const rebuild: DerivedRebuild = {
    // Like the engine: a table settled by re-ingesting counts as derived.
    classify: async (tables, reingest = []) => {
      const derived = tables.filter((t) => t.startsWith('gold.') || reingest.includes(t));
      const appendOnly = tables.filter((t) => t.startsWith('_rat.'));
      return { derived, appendOnly, other: tables.filter((t) => !derived.includes(t) && !appendOnly.includes(t)) };
    },
    run: async (req) => (calls.push([req.branch, ...req.derived]), outcome),
  };
  return {
    fs,
    dir: '/nowhere',
    gitdir: '/nowhere/.git',
    catalog,
    config: defaultProjectConfig(),
    report: { info: () => undefined, warn: () => undefined },
    rebuild,
  };
}
