/**
 * The management API at `/api/v2`, in the shapes of Project Nessie's REST API v2 (paths, query parameter names, JSON
 * field names), so Nessie clients can talk to Ratatouille. Handlers are thin: parse with zod, resolve the `{ref}`,
 * make one store call, serialize. Deliberate differences from Nessie are listed in docs/api/management.md.
 */
import { Router, type Request } from 'express';
import type { AppContext } from '../../app-context.ts';
import { BadRequestError, NoSuchContentError } from '../../errors/index.ts';
import type { ContentInput, ContentKey, Operation } from '../../store/types.ts';
import { keyId } from '../../store/types.ts';
import { icebergMergeResolver } from '../../service/iceberg/index.ts';
import { formatContentKey, parseContentKey } from './content-key.ts';
import { parseRefPath, resolveRefPath, writeTarget, type RefPath } from './ref-path.ts';
import { entryFilter } from './entry-filter.ts';
import * as s from './schemas.ts';
import { collectGarbage } from '../../service/storage/gc.ts';
import { parseRetention } from '../../service/storage/retention.ts';
import { accessOf, auditMeta, principalProperties } from '../auth/access.ts';
import {
  commitMetaJson,
  contentJson,
  effectiveReference,
  keyJson,
  logEntryJson,
  mergeResponseJson,
  pageJson,
  reflogEntryJson,
  toStoreMeta,
} from './serialize.ts';

export function managementRouter(ctx: AppContext): Router {
  const { store } = ctx;
  const router = Router();
  const ref = (req: Request, param = 'ref'): RefPath => parseRefPath(String(req.params[param]), store.defaultBranch);

  router.use(encodeSlashesInRefs);

  router.get('/config', async (_req, res) => {
    res.json({
      defaultBranch: store.defaultBranch,
      minSupportedApiVersion: 2,
      maxSupportedApiVersion: 2,
      actualApiVersion: 2,
      specVersion: '2.2.0',
      noAncestorHash: store.noAncestorHash,
    });
  });

  // ------------------------------------------------------------------------------------------------ references

  router.get('/trees', async (req, res) => {
    const q = s.listReferencesQuery.parse(req.query);
    // Only the references the caller may read (all of them without auth).
    const refs = (await store.listReferences()).filter((r) => accessOf(req).canRead(r.name));
    res.json(
      pageJson(
        'references',
        pageArray(sortReferences(refs), s.pageOf(q), (r) => r.name),
        (r) => r,
      ),
    );
  });

  router.post('/trees', async (req, res) => {
    const q = s.createReferenceQuery.parse(req.query);
    const from = s.referenceBody.parse(req.body ?? {});
    if (!from.hash)
      throw new BadRequestError('Target hash must be provided: send {"type","name","hash"} of the source.');
    const source = await store.resolve(from.name ? `${from.name}@${from.hash}` : `@${from.hash}`);
    const reference = await store.createReference(q.name, q.type, source.hash);
    res.json({ reference });
  });

  router.get('/trees/:ref', async (req, res) => {
    s.getReferenceQuery.parse(req.query);
    const r = ref(req);
    if (r.name === null || r.hash !== null || r.relatives.length > 0) {
      throw new BadRequestError('Hashes are not allowed when fetching a reference by name.');
    }
    res.json({ reference: await store.getReference(r.name) });
  });

  router.put('/trees/:ref', async (req, res) => {
    const { type } = s.typeQuery.parse(req.query);
    const to = s.referenceBody.parse(req.body ?? {});
    if (!to.hash) throw new BadRequestError('Assign needs the target in the body: {"type","name","hash"}.');
    const target = await writeTarget(store, ref(req));
    const dest = await store.resolve(to.name ? `${to.name}@${to.hash}` : `@${to.hash}`);
    res.json({ reference: await store.assignReference(target.name, type, target.expectedHash, dest.hash) });
  });

  router.delete('/trees/:ref', async (req, res) => {
    const { type } = s.typeQuery.parse(req.query);
    const target = await writeTarget(store, ref(req));
    res.json({ reference: await store.deleteReference(target.name, type, target.expectedHash) });
  });

  // ------------------------------------------------------------------------------------------------ reads

  router.get('/trees/:ref/history', async (req, res) => {
    const q = s.historyQuery.parse(req.query);
    const at = await resolveRefPath(store, ref(req));
    const page = await store.log(at.hash, s.pageOf(q));
    // The root commit is Nessie's "no ancestor" hash, not a commit anyone made: it never shows in a log.
    let items = page.items.filter((c) => c.parentHashes.length > 0);
    let token = page.token;
    const limit = q['limit-hash']?.toLowerCase();
    if (limit) {
      const i = items.findIndex((c) => c.hash.startsWith(limit));
      if (i >= 0) [items, token] = [items.slice(0, i + 1), undefined];
    }
    if (items.length < page.items.length) token = undefined;
    const entries = q.fetch === 'ALL' ? await Promise.all(items.map((c) => store.getCommit(c.hash))) : items;
    res.json(pageJson('logEntries', { items: entries, token }, (c) => logEntryJson(c, q.fetch === 'ALL')));
  });

  /**
   * Nessie's "recent changes" of a reference: its current and previous heads, newest first. Answered from our reflog,
   * back to the reference's latest creation; `scan-commits` is accepted and ignored (we keep every head move).
   */
  router.get('/trees/:ref/recent-changes', async (req, res) => {
    s.recentChangesQuery.parse(req.query);
    const r = ref(req);
    if (r.name === null || r.hash !== null || r.relatives.length > 0) {
      throw new BadRequestError('Hashes are not allowed when fetching a reference history.');
    }
    const reference = await store.getReference(r.name);
    const page = await store.reflog({ refName: reference.name, maxRecords: 250 });
    const heads: string[] = [];
    for (const e of page.items) {
      if (e.newHash) heads.push(e.newHash);
      if (e.operation === 'CREATE') break;
    }
    const pointer = async (hash: string) => {
      const c = await store.getCommit(hash);
      // The root commit has no meta in Nessie's answer (it is the "no ancestor" marker).
      return {
        commitHash: hash,
        commitConsistency: 'COMMIT_CONSISTENT',
        meta: c.parentHashes.length ? commitMetaJson(c) : null,
      };
    };
    res.json({
      reference,
      current: await pointer(reference.hash),
      previous: await Promise.all(heads.slice(heads[0] === reference.hash ? 1 : 0).map(pointer)),
      commitLogConsistency: 'NOT_CHECKED',
    });
  });

  router.get('/trees/:ref/entries', async (req, res) => {
    const q = s.entriesQuery.parse(req.query);
    const at = await resolveRefPath(store, ref(req));
    const page = await store.listEntries(at.hash, { ...s.pageOf(q), prefix: q['prefix-key']?.elements });
    const wanted = q.key.length > 0 ? new Set(q.key.map(keyId)) : null;
    const matches = q.filter ? entryFilter(q.filter) : () => true;
    const items = page.items.filter((e) => (!wanted || wanted.has(keyId(e.key))) && matches(e));
    const contents =
      q.content === 'true'
        ? await store.getContents(
            at.hash,
            items.map((e) => e.key),
          )
        : null;
    res.json({
      ...pageJson('entries', { items, token: page.token }, (e) => {
        const c = contents?.get(keyId(e.key));
        return { type: e.type, name: keyJson(e.key), contentId: e.contentId, content: c ? contentJson(c) : null };
      }),
      effectiveReference: effectiveReference(at),
    });
  });

  router.get('/trees/:from/diff/:to', async (req, res) => {
    const q = s.diffQuery.parse(req.query);
    const from = await resolveRefPath(store, ref(req, 'from'));
    const to = await resolveRefPath(store, ref(req, 'to'));
    const page = await store.diff(from.hash, to.hash, { ...s.pageOf(q), prefix: q['prefix-key']?.elements });
    const wanted = q.key.length > 0 ? new Set(q.key.map(keyId)) : null;
    const items = wanted ? page.items.filter((d) => wanted.has(keyId(d.key))) : page.items;
    res.json({
      ...pageJson('diffs', { items, token: page.token }, (d) => ({
        key: keyJson(d.key),
        from: d.from ? contentJson(d.from) : null,
        to: d.to ? contentJson(d.to) : null,
      })),
      effectiveFromReference: effectiveReference(from),
      effectiveToReference: effectiveReference(to),
    });
  });

  router.get('/trees/:ref/contents/:key', async (req, res) => {
    s.contentsQuery.parse(req.query);
    const key = parseContentKey(String(req.params['key']));
    const at = await resolveRefPath(store, ref(req));
    const content = await store.getContent(at.hash, key);
    if (!content) throw new NoSuchContentError(formatContentKey(key), String(req.params['ref']));
    res.json({ content: contentJson(content), effectiveReference: effectiveReference(at) });
  });

  const multipleContents = async (refText: RefPath, keys: ContentKey[]) => {
    const at = await resolveRefPath(store, refText);
    const found = await store.getContents(at.hash, keys);
    const contents = keys.flatMap((k) => {
      const c = found.get(keyId(k));
      return c ? [{ key: keyJson(k), content: contentJson(c) }] : [];
    });
    return { contents, effectiveReference: effectiveReference(at) };
  };

  router.get('/trees/:ref/contents', async (req, res) => {
    const q = s.contentsQuery.parse(req.query);
    if (q.key.length === 0) throw new BadRequestError('Name at least one key: ?key=<ns>.<name>&key=...');
    res.json(await multipleContents(ref(req), q.key));
  });

  router.post('/trees/:ref/contents', async (req, res) => {
    s.contentsQuery.parse(req.query);
    const body = s.multipleContentsBody.parse(req.body ?? {});
    res.json(await multipleContents(ref(req), body.requestedKeys));
  });

  // ------------------------------------------------------------------------------------------------ writes

  router.post('/trees/:ref/history/commit', async (req, res) => {
    const body = s.commitBody.parse(req.body ?? {});
    const target = await writeTarget(store, ref(req));
    const operations: Operation[] = body.operations.map((op) =>
      op.type === 'PUT' ? { type: 'PUT', key: op.key, content: contentInput(op.key, op.content) } : op,
    );
    const meta = auditMeta(req, toStoreMeta(body.commitMeta));
    const result = await store.commit(target.name, target.expectedHash, meta, operations);
    res.json({
      targetBranch: { type: 'BRANCH', name: target.name, hash: result.hash },
      // Nessie answers null, not [], when the commit created no content.
      addedContents:
        result.addedContents.length > 0
          ? result.addedContents.map((a) => ({ key: keyJson(a.key), contentId: a.contentId }))
          : null,
    });
  });

  router.post('/trees/:ref/history/merge', async (req, res) => {
    const body = s.mergeBody.parse(req.body ?? {});
    if (!body.fromHash) throw new BadRequestError('Source hash must be provided: send "fromHash" (the source head).');
    const target = await writeTarget(store, ref(req));
    // The source must name an existing reference (404 otherwise), as in Nessie.
    const source = await store.resolve(`${body.fromRefName}@${body.fromHash}`);
    const message = body.commitMeta?.message || body.message;
    const meta = toStoreMeta({ ...body.commitMeta, message: message ?? '' });
    const result = await store.merge({
      fromRefName: body.fromRefName,
      fromHash: source.hash,
      toBranch: target.name,
      expectedHash: target.expectedHash,
      ...mergeFlags(body),
      meta: auditMeta(req, message ? meta : { ...meta, message: undefined }),
      resolver: icebergMergeResolver(ctx),
    });
    res.json(mergeResponseJson(result, { ratDetails: req.query['rat-details'] === 'true' }));
  });

  router.post('/trees/:ref/history/transplant', async (req, res) => {
    const body = s.transplantBody.parse(req.body ?? {});
    const target = await writeTarget(store, ref(req));
    const result = await store.transplant({
      fromRefName: body.fromRefName,
      hashesToTransplant: body.hashesToTransplant.map((h) => h.toLowerCase()),
      toBranch: target.name,
      expectedHash: target.expectedHash,
      ...mergeFlags(body),
      // Transplanted commits keep their authors; the property records who transplanted them.
      meta: { ...(body.message ? { message: body.message } : {}), properties: principalProperties(req) },
      resolver: icebergMergeResolver(ctx),
    });
    res.json(mergeResponseJson(result, { ratDetails: req.query['rat-details'] === 'true' }));
  });

  // ------------------------------------------------------------------------------------------------ rat extensions

  /** Ref head moves, newest first. Nessie removed its reflog in 0.x; this is Ratatouille's own endpoint. */
  router.get('/rat/reflog', async (req, res) => {
    const q = s.reflogQuery.parse(req.query);
    const page = await store.reflog({ ...s.pageOf(q), ...(q.ref ? { refName: q.ref } : {}) });
    res.json(pageJson('logEntries', page, reflogEntryJson));
  });

  /**
   * Branch-aware garbage collection of the warehouses: deletes files no branch, tag or kept commit reaches. With
   * `dryRun` it lists them only.
   */
  router.post('/rat/gc', async (req, res) => {
    const b = s.gcBody.parse(req.body ?? {});
    const report = await collectGarbage(ctx, {
      dryRun: b.dryRun,
      keepHistoryMs: b.keepHistory === undefined ? undefined : (parseRetention(b.keepHistory) ?? 'all'),
      graceMs: b.gracePeriod === undefined ? undefined : (parseRetention(b.gracePeriod) ?? Infinity),
      snapshots: b.snapshots,
    });
    res.json(report);
  });

  return router;
}

/** Both spellings of the merge flags (see schemas.ts) folded into the store's options. */
function mergeFlags(b: {
  dryRun?: boolean;
  isDryRun?: boolean;
  returnConflictAsResult?: boolean;
  isReturnConflictAsResult?: boolean;
  keyMergeModes?: Array<{ key: ContentKey; mergeBehavior: 'NORMAL' | 'FORCE' | 'DROP' }>;
  defaultKeyMergeMode?: 'NORMAL' | 'FORCE' | 'DROP';
}) {
  return {
    dryRun: b.isDryRun ?? b.dryRun ?? false,
    returnConflictAsResult: b.isReturnConflictAsResult ?? b.returnConflictAsResult ?? false,
    ...(b.defaultKeyMergeMode ? { defaultKeyMergeMode: b.defaultKeyMergeMode } : {}),
    ...(b.keyMergeModes ? { keyMergeModes: b.keyMergeModes } : {}),
  };
}

/** Fills what Nessie infers: a namespace's elements are its key's, its properties default to none. */
function contentInput(key: ContentKey, body: s.ContentInputBody): ContentInput {
  // Nessie's Java client may send explicit nulls for unset optional fields; the store wants them absent.
  const c = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined)) as typeof body;
  if (c.type === 'NAMESPACE') {
    return {
      type: 'NAMESPACE',
      ...(c.id ? { id: c.id } : {}),
      elements: c.elements ?? key.elements,
      properties: c.properties ?? {},
    };
  }
  return c as ContentInput;
}

/** Nessie lists branches before tags, each by name (its internal names are refs/heads/… and refs/tags/…). */
function sortReferences<T extends { type: string; name: string }>(refs: T[]): T[] {
  const rank = (r: T) => (r.type === 'BRANCH' ? 0 : 1);
  return [...refs].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Pages an in-memory list; the token is the hex of the last item's sort key, as Nessie's tokens are. */
function pageArray<T>(items: T[], page: { maxRecords?: number; pageToken?: string }, id: (t: T) => string) {
  let start = 0;
  if (page.pageToken) {
    if (!/^([0-9a-f]{2})+$/.test(page.pageToken)) throw new BadRequestError('Invalid page-token.');
    const after = Buffer.from(page.pageToken, 'hex').toString('utf8');
    start = items.findIndex((t) => id(t) === after) + 1;
  }
  const size = page.maxRecords ?? 250;
  const slice = items.slice(start, start + size);
  const more = start + size < items.length;
  return { items: slice, token: more ? Buffer.from(id(slice[slice.length - 1]!), 'utf8').toString('hex') : undefined };
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
