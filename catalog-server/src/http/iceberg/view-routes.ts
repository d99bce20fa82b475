import type { Router } from 'express';
import { commitViewRequest, createViewRequest, registerViewRequest, renameTableRequest } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import {
  commitView,
  registerView,
  createView,
  dropView,
  listObjects,
  loadView,
  renameObject,
  viewExists,
} from '../../service/iceberg/index.ts';
import { parseBody, sendJson } from './json-io.ts';
import { loadViewResult } from './serialize.ts';
import { commitInfoOf, namespaceOf, pageOf, param, refOf } from './params.ts';

/** View endpoints: list, create, load, exists, replace (commit), drop, rename. */
export function viewRoutes(r: Router, ctx: AppContext): void {
  r.get('/namespaces/:namespace/views', async (req, res) => {
    const page = await listObjects(ctx, refOf(req), namespaceOf(param(req, 'namespace')), 'ICEBERG_VIEW', pageOf(req));
    sendJson(res, { identifiers: page.identifiers, ...(page.next ? { 'next-page-token': page.next } : {}) });
  });

  r.post('/namespaces/:namespace/views', async (req, res) => {
    const body = parseBody(createViewRequest, req);
    const v = await createView(ctx, refOf(req), namespaceOf(param(req, 'namespace')), body, commitInfoOf(req));
    sendJson(res, loadViewResult(v.metadataLocation, v.metadata));
  });

  r.head('/namespaces/:namespace/views/:view', async (req, res) => {
    const exists = await viewExists(ctx, refOf(req), namespaceOf(param(req, 'namespace')), param(req, 'view'));
    res.status(exists ? 204 : 404).end();
  });

  r.get('/namespaces/:namespace/views/:view', async (req, res) => {
    const v = await loadView(ctx, refOf(req), namespaceOf(param(req, 'namespace')), param(req, 'view'));
    sendJson(res, loadViewResult(v.metadataLocation, v.metadata));
  });

  r.post('/namespaces/:namespace/views/:view', async (req, res) => {
    const body = parseBody(commitViewRequest, req);
    const v = await commitView(
      ctx,
      refOf(req),
      namespaceOf(param(req, 'namespace')),
      param(req, 'view'),
      body,
      commitInfoOf(req),
    );
    sendJson(res, loadViewResult(v.metadataLocation, v.metadata));
  });

  r.delete('/namespaces/:namespace/views/:view', async (req, res) => {
    await dropView(ctx, refOf(req), namespaceOf(param(req, 'namespace')), param(req, 'view'), commitInfoOf(req));
    res.status(204).end();
  });

  r.post('/namespaces/:namespace/register-view', async (req, res) => {
    const body = parseBody(registerViewRequest, req);
    const ns = namespaceOf(param(req, 'namespace'));
    const v = await registerView(ctx, refOf(req), ns, body.name, body['metadata-location'], commitInfoOf(req));
    sendJson(res, loadViewResult(v.metadataLocation, v.metadata));
  });

  r.post('/views/rename', async (req, res) => {
    const body = parseBody(renameTableRequest, req);
    await renameObject(ctx, refOf(req), 'view', body.source, body.destination, commitInfoOf(req));
    res.status(204).end();
  });
}
