/**
 * The management API at `/api/v2`, in the shapes of Project Nessie's REST API v2 (paths, query parameter names, JSON
 * field names), so Nessie clients can talk to Ratatouille. Handlers are thin: parse with zod, make one service call
 * (service/management/), serialize. Deliberate differences from Nessie are listed in docs/api/management.md.
 */
import { Router, type Request } from 'express';
import type { AppContext } from '../../app-context.ts';
import { BadRequestError } from '../../errors/index.ts';
import { parseContentKey } from '../../service/management/content-key.ts';
import { parseRefPath, type RefPath } from '../../service/management/ref-path.ts';
import {
  assignReference,
  createReference,
  deleteReference,
  getReference,
  listReferences,
  managementConfig,
  recentChanges,
} from '../../service/management/references.ts';
import { commitLog, diffRefs, getContent, getContents, listEntries } from '../../service/management/reads.ts';
import { revertCommit } from '../../service/management/revert.ts';
import { commitOperations, mergeInto, refHeadMoves, transplantInto } from '../../service/management/writes.ts';
import { collectGarbage } from '../../service/storage/gc.ts';
import { listReleasedTables, reclaimReleasedTable } from '../../service/storage/released-tables.ts';
import { accessOf, auditMeta, principalProperties } from '../auth/access.ts';
import { policyRefOf } from '../auth/requirement.ts';
import { requireBody } from '../json-body.ts';
import * as s from './schemas.ts';
import { managementOpenApi } from './openapi.ts';
import { gcOptions, mergeFlags, toOperations, toStoreMeta, withCommitHeaders } from './inputs.ts';
import {
  commitResponseJson,
  contentJson,
  contentsJson,
  diffJson,
  effectiveReference,
  entriesJson,
  logEntryJson,
  mergeResponseJson,
  pageJson,
  recentChangesJson,
  referenceJson,
  reflogEntryJson,
  revertJson,
} from './serialize.ts';
import { refuseOtherMethods } from '../method-not-allowed.ts';
import { jsonBody, sendJson } from '../iceberg/json-io.ts';

export function managementRouter(ctx: AppContext): Router {
  const { store } = ctx;
  const router = Router();
  const ref = (req: Request, param = 'ref'): RefPath => parseRefPath(String(req.params[param]), store.defaultBranch);
  const ratDetails = (req: Request) => ({ ratDetails: req.query['rat-details'] === 'true' });
  // The namespaces of one `{ref}` the caller may read: reads keep to them (namespace-restricted auth rules).
  const visibleOn = (req: Request, at: RefPath) => accessOf(req).readableNamespaces(policyRefOf(at));
  // Whose history the caller may read (the whole reference): the references `fetch=ALL` describes.
  const readsHistory = (req: Request) => (name: string) => accessOf(req).readableNamespaces(name) === undefined;

  router.use(encodeSlashesInRefs);

  router.get('/config', (_req, res) => {
    res.json(managementConfig(store));
  });

  /** This API's OpenAPI document, generated from the zod schemas that validate its requests. */
  router.get('/openapi.json', (_req, res) => {
    res.json(managementOpenApi());
  });

  // ------------------------------------------------------------------------------------------------ references

  router.get('/trees', async (req, res) => {
    const q = s.listReferencesQuery.parse(req.query);
    // Only the references the caller may read (all of them without auth).
    const listing = { fetchAll: q.fetch === 'ALL', filter: q.filter, readsHistory: readsHistory(req) };
    const page = await listReferences(store, (name) => accessOf(req).canRead(name), s.pageOf(q), listing);
    res.json(pageJson('references', page, referenceJson));
  });

  router.post('/trees', async (req, res) => {
    const q = s.createReferenceQuery.parse(req.query);
    const from = requireBody(s.referenceBody, req.body);
    res.json({ reference: await createReference(store, q, from) });
  });

  router.get('/trees/:ref', async (req, res) => {
    const q = s.getReferenceQuery.parse(req.query);
    const listing = { fetchAll: q.fetch === 'ALL', readsHistory: readsHistory(req) };
    res.json({ reference: referenceJson(await getReference(store, ref(req), listing)) });
  });

  router.put('/trees/:ref', async (req, res) => {
    const { type } = s.typeQuery.parse(req.query);
    const to = requireBody(s.referenceBody, req.body);
    res.json({ reference: await assignReference(store, ref(req), type, to) });
  });

  router.delete('/trees/:ref', async (req, res) => {
    const { type } = s.typeQuery.parse(req.query);
    res.json({ reference: await deleteReference(store, ref(req), type) });
  });

  // ------------------------------------------------------------------------------------------------ reads

  router.get('/trees/:ref/history', async (req, res) => {
    const q = s.historyQuery.parse(req.query);
    const withOperations = q.fetch === 'ALL';
    const page = await commitLog(store, ref(req), {
      ...s.pageOf(q),
      limitHash: q['limit-hash'],
      withOperations,
      filter: q.filter,
    });
    sendJson(
      res,
      pageJson('logEntries', page, (c) => logEntryJson(c, withOperations)),
    );
  });

  /** Nessie's "recent changes" of a reference: its current and previous heads, newest first. */
  router.get('/trees/:ref/recent-changes', async (req, res) => {
    s.recentChangesQuery.parse(req.query);
    res.json(recentChangesJson(await recentChanges(store, ref(req), accessOf(req).readsEverything())));
  });

  router.get('/trees/:ref/entries', async (req, res) => {
    const q = s.entriesQuery.parse(req.query);
    const entries = await listEntries(store, ref(req), {
      ...s.pageOf(q),
      ...s.keysOf(q),
      withContent: q.content,
      visible: visibleOn(req, ref(req)),
    });
    sendJson(res, entriesJson(entries));
  });

  router.get('/trees/:from/diff/:to', async (req, res) => {
    const q = s.diffQuery.parse(req.query);
    const diff = await diffRefs(store, ref(req, 'from'), ref(req, 'to'), {
      ...s.pageOf(q),
      ...s.keysOf(q),
      visible: { from: visibleOn(req, ref(req, 'from')), to: visibleOn(req, ref(req, 'to')) },
    });
    sendJson(res, diffJson(diff));
  });

  router.get('/trees/:ref/contents/:key', async (req, res) => {
    s.contentsQuery.parse(req.query);
    const key = parseContentKey(String(req.params['key']));
    const { at, content } = await getContent(store, ref(req), key, visibleOn(req, ref(req)));
    sendJson(res, { content: contentJson(content), effectiveReference: effectiveReference(at) });
  });

  router.get('/trees/:ref/contents', async (req, res) => {
    const q = s.contentsQuery.parse(req.query);
    if (q.key.length === 0) throw new BadRequestError('Name at least one key: ?key=<ns>.<name>&key=...');
    sendJson(res, contentsJson(await getContents(store, ref(req), q.key, visibleOn(req, ref(req)))));
  });

  router.post('/trees/:ref/contents', async (req, res) => {
    s.contentsQuery.parse(req.query);
    const body = requireBody(s.multipleContentsBody, req.body);
    sendJson(res, contentsJson(await getContents(store, ref(req), body.requestedKeys, visibleOn(req, ref(req)))));
  });

  // ------------------------------------------------------------------------------------------------ writes

  router.post('/trees/:ref/history/commit', async (req, res) => {
    // Read without rounding: a table's snapshotId is a 63-bit id (service/int64.ts).
    const body = requireBody(s.commitBody, jsonBody(req));
    const meta = auditMeta(req, toStoreMeta(withCommitHeaders(body.commitMeta, req.headers)));
    res.json(commitResponseJson(await commitOperations(store, ref(req), meta, toOperations(body.operations))));
  });

  router.post('/trees/:ref/history/merge', async (req, res) => {
    const body = requireBody(s.mergeBody, req.body);
    const given = { ...body.commitMeta, message: body.commitMeta?.message || body.message || '' };
    const commitMeta = withCommitHeaders(given, req.headers);
    const meta = toStoreMeta(commitMeta);
    const result = await mergeInto(ctx, ref(req), {
      fromRefName: body.fromRefName,
      fromHash: body.fromHash,
      meta: auditMeta(req, commitMeta.message ? meta : { ...meta, message: undefined }),
      flags: mergeFlags(body),
      authorizeKeys: accessOf(req).mergeKeys(),
    });
    res.json(mergeResponseJson(result, ratDetails(req)));
  });

  router.post('/trees/:ref/history/transplant', async (req, res) => {
    const body = requireBody(s.transplantBody, req.body);
    const { message } = withCommitHeaders({ message: body.message ?? '' }, req.headers);
    const result = await transplantInto(ctx, ref(req), {
      fromRefName: body.fromRefName,
      hashes: body.hashesToTransplant,
      // Transplanted commits keep their authors; the property records who transplanted them.
      meta: { ...(message ? { message } : {}), properties: principalProperties(req) },
      flags: mergeFlags(body),
      authorizeKeys: accessOf(req).mergeKeys(),
    });
    res.json(mergeResponseJson(result, ratDetails(req)));
  });

  /** Undo one commit of the branch with a new commit (Ratatouille's; Nessie has no revert). */
  router.post('/trees/:ref/history/revert', async (req, res) => {
    const body = requireBody(s.revertBody, req.body);
    const meta = auditMeta(req, toStoreMeta(withCommitHeaders(body.commitMeta ?? {}, req.headers)));
    const result = await revertCommit(ctx, ref(req), {
      hash: body.hash,
      meta,
      dryRun: body.dryRun,
      returnConflictAsResult: body.returnConflictAsResult,
      authorizeKeys: accessOf(req).mergeKeys(),
    });
    sendJson(res, revertJson(result));
  });

  // ------------------------------------------------------------------------------------------------ rat extensions

  /** Ref head moves, newest first. Nessie removed its reflog in 0.x; this is Ratatouille's own endpoint. */
  router.get('/rat/reflog', async (req, res) => {
    const q = s.reflogQuery.parse(req.query);
    const page = await refHeadMoves(store, { ...s.pageOf(q), ...(q.ref ? { refName: q.ref } : {}) });
    res.json(pageJson('logEntries', page, reflogEntryJson));
  });

  /**
   * Branch-aware garbage collection of the warehouses: deletes files no branch, tag or kept commit reaches. With
   * `dryRun` it lists them only.
   */
  router.post('/rat/gc', async (req, res) => {
    res.json(await collectGarbage(ctx, gcOptions(requireBody(s.gcBody, req.body))));
  });

  /** Tables unregistered to other catalogs (GC leaves their folders alone), and taking a release back. */
  router.get('/rat/released-tables', async (req, res) => {
    const page = await listReleasedTables(ctx, s.pageOf(s.releasedTablesQuery.parse(req.query)));
    res.json(pageJson('releasedTables', page, (r) => r));
  });
  router.delete('/rat/released-tables', async (req, res) => {
    await reclaimReleasedTable(ctx, s.reclaimQuery.parse(req.query).metadataLocation);
    res.status(204).end();
  });

  refuseOtherMethods(router);
  return router;
}

/**
 * Nessie clients put branch names with raw slashes in the path when a hash follows (`feature/x@<hash>/history`,
 * Nessie's `toPathStringRef`). Express params stop at `/`, so the slashes of such a ref are encoded before routing.
 */
function encodeSlashesInRefs(req: Request, _res: unknown, next: () => void): void {
  const qi = req.url.indexOf('?');
  const path = qi < 0 ? req.url : req.url.slice(0, qi);
  const query = qi < 0 ? '' : req.url.slice(qi);
  req.url = `${normalizeTreesPath(path)}${query}`;
  next();
}

/** The path with raw slashes in its `{ref}` elements encoded, as the routes (and the authorization) read it. */
export function normalizeTreesPath(path: string): string {
  const m = /^\/trees\/(.*)$/.exec(path);
  if (!m) return path;
  const rest = encodeRefAtStart(m[1]!);
  const diff = /^([^/]*)\/diff\/(.*)$/.exec(rest);
  return `/trees/${diff ? `${diff[1]}/diff/${encodeRefAtStart(diff[2]!)}` : rest}`;
}

const RAW_SLASH_REF = /^([^@?]*\/[^@?]*)@((?:[0-9a-fA-F]{8,64})?(?:[~^*][^/]*)?)(?=\/|$)/;

function encodeRefAtStart(s: string): string {
  const m = RAW_SLASH_REF.exec(s);
  if (!m || /\/(contents|diff|history|entries)\//.test(`${m[1]}/`)) return s;
  return `${m[1]!.replace(/\//g, '%2F')}@${m[2]}${s.slice(m[0].length)}`;
}
