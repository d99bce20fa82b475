import type { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { listFunctions, loadFunction } from '../../service/iceberg/index.ts';
import { sendJson } from './json-io.ts';
import { namespaceOf, pageOf, param, refOf } from './params.ts';

/** Function (UDF) endpoints: list a namespace's functions, load one with all its definitions. */
export function functionRoutes(r: Router, ctx: AppContext): void {
  r.get('/namespaces/:namespace/functions', async (req, res) => {
    const page = await listFunctions(ctx, refOf(req), namespaceOf(param(req, 'namespace')), pageOf(req));
    sendJson(res, { identifiers: page.identifiers, ...(page.next ? { 'next-page-token': page.next } : {}) });
  });

  r.get('/namespaces/:namespace/functions/:function', async (req, res) => {
    const f = await loadFunction(ctx, refOf(req), namespaceOf(param(req, 'namespace')), param(req, 'function'));
    sendJson(res, { 'metadata-location': f.metadataLocation, metadata: f.metadata });
  });
}
