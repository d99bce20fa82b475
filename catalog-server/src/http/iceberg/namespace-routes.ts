import type { Router } from 'express';
import { createNamespaceRequest, updateNamespacePropertiesRequest } from '@ratatouille/iceberg';
import type { AppContext } from '../../app-context.ts';
import {
  createNamespace,
  dropNamespace,
  listNamespaces,
  loadNamespace,
  namespaceExists,
  updateNamespaceProperties,
} from '../../service/iceberg/index.ts';
import { parseBody, sendJson } from './json-io.ts';
import { commitInfoOf, namespaceOf, pageOf, param, queryOf, refOf, shownNamespacesOf } from './params.ts';

/** Namespace endpoints: list (with `parent` and paging), create, load, exists, drop, properties. */
export function namespaceRoutes(r: Router, ctx: AppContext): void {
  r.get('/namespaces', async (req, res) => {
    const parentRaw = queryOf(req, 'parent');
    const parent = parentRaw ? namespaceOf(parentRaw, 'parent') : undefined;
    const page = await listNamespaces(ctx, refOf(req), parent, pageOf(req), shownNamespacesOf(req));
    sendJson(res, { namespaces: page.namespaces, ...(page.next ? { 'next-page-token': page.next } : {}) });
  });

  r.post('/namespaces', async (req, res) => {
    const body = parseBody(createNamespaceRequest, req);
    const created = await createNamespace(ctx, refOf(req), body.namespace, body.properties ?? {}, commitInfoOf(req));
    sendJson(res, created);
  });

  r.head('/namespaces/:namespace', async (req, res) => {
    const exists = await namespaceExists(ctx, refOf(req), namespaceOf(param(req, 'namespace')));
    res.status(exists ? 204 : 404).end();
  });

  r.get('/namespaces/:namespace', async (req, res) => {
    sendJson(res, await loadNamespace(ctx, refOf(req), namespaceOf(param(req, 'namespace'))));
  });

  r.delete('/namespaces/:namespace', async (req, res) => {
    await dropNamespace(ctx, refOf(req), namespaceOf(param(req, 'namespace')), commitInfoOf(req));
    res.status(204).end();
  });

  r.post('/namespaces/:namespace/properties', async (req, res) => {
    const body = parseBody(updateNamespacePropertiesRequest, req);
    const result = await updateNamespaceProperties(
      ctx,
      refOf(req),
      namespaceOf(param(req, 'namespace')),
      body.updates ?? {},
      body.removals ?? [],
      commitInfoOf(req),
    );
    sendJson(res, result);
  });
}
