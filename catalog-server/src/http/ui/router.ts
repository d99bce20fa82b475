/**
 * Read-only endpoints under `/api/v2/rat/` that the web UI needs beyond Nessie's API: the commit graph across
 * parents and branches, ahead/behind counts between two references, a table's first rows, the rows two
 * references' versions of a table differ in, and which pipeline models produced a reference's tables from what. References go in the query string
 * (`ref=feature%2Fx`, `main@<hash>`, a bare hash), resolved like every `{ref}`.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { commitGraphOf } from '../../service/history/graph.ts';
import { compareRefs } from '../../service/history/ahead-behind.ts';
import { previewTable } from '../../service/preview/table-preview.ts';
import { diffTableRows } from '../../service/preview/table-row-diff.ts';
import { tableLineage } from '../../service/lineage/table-lineage.ts';
import { commitMetaJson } from '../management/serialize.ts';
import { parseContentKey } from '../../service/management/content-key.ts';
import { accessOf } from '../auth/access.ts';
import { icebergRefName } from '../auth/requirement.ts';

const many = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().min(1)));
const maxRecords = z.coerce.number().int().min(1).max(1000).optional();

const graphQuery = z.object({
  ref: many.refine((refs) => refs.length >= 1 && refs.length <= 100, 'give 1 to 100 refs'),
  'max-records': maxRecords,
  'page-token': z.string().optional(),
});

const compareQuery = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  /** Commits to visit at most; the counts are lower bounds (`truncated`) beyond it. */
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
});

const previewQuery = z.object({
  ref: z.string().min(1),
  /** Nessie's key encoding (`shop.orders`, escaped form for dots inside elements). */
  key: z.string().min(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** A previous page's `nextPageToken`: the rows after it, from the same snapshot. */
  'page-token': z.string().min(1).optional(),
});

const rowDiffQuery = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  key: z.string().min(1),
  /** Rows listed at most in each of added, removed and changed. */
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Comma-separated column names pairing removed and added rows into changes (default: the identifier fields). */
  'key-columns': z
    .string()
    .optional()
    .transform((v) => (v === undefined ? undefined : v.split(',').filter((c) => c.length > 0))),
});

const lineageQuery = z.object({ ref: z.string().min(1) });

export function uiSupportRouter(ctx: AppContext): Router {
  const { store } = ctx;
  const router = Router();

  /** `GET /rat/graph?ref=main&ref=dev` — commits reachable from the refs (all parents), children before parents. */
  router.get('/graph', async (req, res) => {
    const q = graphQuery.parse(req.query);
    const page = await commitGraphOf(store, q.ref, { maxRecords: q['max-records'], pageToken: q['page-token'] });
    res.json({
      token: page.token ?? null,
      hasMore: page.token !== undefined,
      commits: page.items.map((c) => commitMetaJson(c)),
    });
  });

  /** `GET /rat/compare?from=feature&to=main[&limit=1000]` — how many commits `from` is ahead of and behind `to`. */
  router.get('/compare', async (req, res) => {
    const q = compareQuery.parse(req.query);
    res.json(await compareRefs(store, q.from, q.to, q.limit));
  });

  /**
   * `GET /rat/preview?ref=main&key=shop.orders&limit=50[&page-token=…]` — the table's first rows with delete files
   * applied, or the next page of them.
   */
  router.get('/preview', async (req, res) => {
    const q = previewQuery.parse(req.query);
    res.json(await previewTable(ctx, q.ref, parseContentKey(q.key), q.limit, q['page-token']));
  });

  /**
   * `GET /rat/row-diff?from=main&to=feature&key=shop.orders[&limit=50][&key-columns=id]` — the rows `to` added,
   * removed and changed in the table since `from`, reading only the data files that differ.
   */
  router.get('/row-diff', async (req, res) => {
    const q = rowDiffQuery.parse(req.query);
    const opts = { limit: q.limit, keyColumns: q['key-columns'], maxRows: ctx.rowDiffMaxRows };
    res.json(await diffTableRows(ctx, q.from, q.to, parseContentKey(q.key), opts));
  });

  /**
   * `GET /rat/lineage?ref=main` — which models wrote the reference's tables, what they read, what reads them; to a
   * namespace-restricted reader, of the tables it may read.
   */
  router.get('/lineage', async (req, res) => {
    const q = lineageQuery.parse(req.query);
    res.json(await tableLineage(ctx, q.ref, accessOf(req).readableNamespaces(icebergRefName(q.ref))));
  });

  return router;
}
