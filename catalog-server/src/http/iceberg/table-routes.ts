import type { Request, Response, Router } from 'express';
import {
  commitTransactionRequest,
  createTableRequest,
  registerTableRequest,
  renameTableRequest,
  reportMetricsRequest,
} from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import {
  commitTransaction,
  createTable,
  dropTable,
  listObjects,
  registerTable,
  renameObject,
  storageConfig,
  tableCredentials,
  tableETag,
  tableExists,
  tableStorage,
  unregisterTable,
} from '../../service/iceberg/index.ts';
import { accessOf } from '../auth/access.ts';
import { jsonBody, parseBody, sendJson, sendJsonBytes, sendJsonPieces } from './json-io.ts';
import { commitTableResponse } from './commit-table-response.ts';
import { loadTableResponse } from './load-table-response.ts';
import { clientAccessOf } from '../../service/signing/client-access.ts';
import { signRoute } from './sign-route.ts';
import { loadTableResult, unregisterTableResult } from './serialize.ts';
import { commitInfoOf, flagOf, namespaceOf, pageOf, param, queryOf, refOf } from './params.ts';

/** The path of one table, relative to the catalog's `/v1[/<prefix>]`. */
export const TABLE_PATH = '/namespaces/:namespace/tables/:table';

/** tableExists (HEAD): 204 or 404, no body. */
export function tableExistsHandler(ctx: AppContext): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const exists = await tableExists(ctx, refOf(req), namespaceOf(param(req, 'namespace')), param(req, 'table'));
    res.status(exists ? 204 : 404).end();
  };
}

/**
 * loadTable (GET): the hottest request of the catalog, so the router also mounts it ahead of its nested routers, and
 * the server answers most loads ahead of express altogether (http/hot-reads.ts); both answer with loadTableResponse.
 *
 * @example router.get(`/v1${TABLE_PATH}`, loadTableHandler(ctx))
 */
export function loadTableHandler(ctx: AppContext): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const r = await loadTableResponse(
      ctx,
      {
        ref: refOf(req),
        namespace: namespaceOf(param(req, 'namespace')),
        table: param(req, 'table'),
        snapshots: queryOf(req, 'snapshots'),
        delegation: req.header('x-iceberg-access-delegation'),
        ifNoneMatch: req.header('if-none-match'),
      },
      accessOf(req),
    );
    res.setHeader('ETag', r.etag);
    if (r.body) sendJsonBytes(res, r.body);
    else res.status(304).end();
  };
}

/** Table endpoints: list, create (and stage-create), load, exists, commit, drop, register, unregister, rename, transactions, credentials, metrics. */
export function tableRoutes(r: Router, ctx: AppContext): void {
  r.get('/namespaces/:namespace/tables', async (req, res) => {
    const page = await listObjects(ctx, refOf(req), namespaceOf(param(req, 'namespace')), 'ICEBERG_TABLE', pageOf(req));
    sendJson(res, { identifiers: page.identifiers, ...(page.next ? { 'next-page-token': page.next } : {}) });
  });

  r.post('/namespaces/:namespace/tables', async (req, res) => {
    const body = parseBody(createTableRequest, req);
    const t = await createTable(ctx, refOf(req), namespaceOf(param(req, 'namespace')), body, commitInfoOf(req));
    // A staged table has no metadata file yet, so nothing a later load could match.
    if (t.metadataLocation) res.setHeader('ETag', tableETag(t.metadataLocation, 'all'));
    const access = clientAccessOf(
      req.header('x-iceberg-access-delegation'),
      namespaceOf(param(req, 'namespace')),
      body.name,
      // A staged table is not on the ref until its create commits: its signer endpoint carries its location.
      t.metadataLocation ? undefined : t.metadata.location,
    );
    const storage = await tableStorage(
      ctx,
      refOf(req),
      t.metadata,
      access,
      accessOf(req),
      namespaceOf(param(req, 'namespace')),
    );
    sendJson(res, loadTableResult(t.metadataLocation, t.metadata, storage.config, storage.credentials));
  });

  r.post('/namespaces/:namespace/register', async (req, res) => {
    const body = parseBody(registerTableRequest, req);
    const t = await registerTable(ctx, refOf(req), namespaceOf(param(req, 'namespace')), body, commitInfoOf(req));
    res.setHeader('ETag', tableETag(body['metadata-location'], 'all'));
    sendJson(res, loadTableResult(t.metadataLocation, t.metadata, storageConfig(ctx, t.metadata.location, {}), []));
  });

  r.head(TABLE_PATH, tableExistsHandler(ctx));
  r.get(TABLE_PATH, loadTableHandler(ctx));

  r.post('/namespaces/:namespace/tables/:table', async (req, res) => {
    const r = await commitTableResponse(ctx, {
      ref: refOf(req),
      namespace: namespaceOf(param(req, 'namespace')),
      table: param(req, 'table'),
      body: jsonBody(req),
      info: commitInfoOf(req),
    });
    res.setHeader('ETag', r.etag);
    sendJsonPieces(res, r.pieces);
  });

  r.delete('/namespaces/:namespace/tables/:table', async (req, res) => {
    const ns = namespaceOf(param(req, 'namespace'));
    const purged = await dropTable(
      ctx,
      refOf(req),
      ns,
      param(req, 'table'),
      flagOf(req, 'purgeRequested'),
      commitInfoOf(req),
    );
    // Purge deletes only files nothing else reaches; the rest wait for `rat gc`. Say which happened.
    if (purged) res.setHeader('X-Rat-Purge', `deleted=${purged.deleted}; retained=${purged.retained}`);
    res.status(204).end();
  });

  // The request has no body (a client's `{}` is ignored alike).
  r.post('/namespaces/:namespace/tables/:table/unregister', async (req, res) => {
    const ns = namespaceOf(param(req, 'namespace'));
    const t = await unregisterTable(ctx, refOf(req), ns, param(req, 'table'), commitInfoOf(req));
    sendJson(res, unregisterTableResult(t.metadataLocation, t.metadata));
  });

  r.get('/namespaces/:namespace/tables/:table/credentials', async (req, res) => {
    const credentials = await tableCredentials(
      ctx,
      refOf(req),
      namespaceOf(param(req, 'namespace')),
      param(req, 'table'),
      accessOf(req),
    );
    sendJson(res, { 'storage-credentials': credentials });
  });

  signRoute(r, ctx);

  r.post('/namespaces/:namespace/tables/:table/metrics', async (req, res) => {
    // Reports are accepted and dropped: nothing here consumes scan/commit metrics yet.
    parseBody(reportMetricsRequest, req);
    res.status(204).end();
  });

  r.post('/tables/rename', async (req, res) => {
    const body = parseBody(renameTableRequest, req);
    await renameObject(ctx, refOf(req), 'table', body.source, body.destination, commitInfoOf(req));
    res.status(204).end();
  });

  r.post('/transactions/commit', async (req, res) => {
    const body = parseBody(commitTransactionRequest, req);
    await commitTransaction(ctx, refOf(req), body['table-changes'], commitInfoOf(req));
    res.status(204).end();
  });
}
