import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../../app-context.ts';
import { namespaceRoutes } from './namespace-routes.ts';
import { TABLE_PATH, loadTableHandler, tableExistsHandler, tableRoutes } from './table-routes.ts';
import { viewRoutes } from './view-routes.ts';
import { functionRoutes } from './function-routes.ts';
import { scanRoutes } from './scan-routes.ts';
import { catalogConfig, readRef, warehousePrefix } from '../../service/iceberg/index.ts';
import { queryOf, refOf } from './params.ts';
import { IDEMPOTENCY_KEY_LIFETIME, idempotentMutations } from './idempotency.ts';
import { refuseOtherMethods } from '../method-not-allowed.ts';

/**
 * Iceberg REST catalog, mounted at /iceberg. The branch is part of the base URL every client keeps:
 * `/iceberg/v1/...` is the default branch, `/iceberg/<url-encoded ref>/v1/...` any branch, tag, `ref@hash` or
 * `ref*timestamp`. A `{prefix}` segment after `v1/` (iceberg-js adds the warehouse name there) is accepted and
 * ignored, so the same routes serve `/v1/namespaces` and `/v1/<prefix>/namespaces`.
 */
export function icebergRouter(ctx: AppContext): Router {
  const router = Router();

  const api = Router({ mergeParams: true });
  api.get('/config', async (req, res) => {
    // Resolving the ref here makes a typo in the branch fail at connect time with a clear 404.
    await readRef(ctx.store, refOf(req));
    res.json(
      catalogConfig(
        warehousePrefix(ctx, queryOf(req, 'warehouse')),
        ctx.idempotency ? IDEMPOTENCY_KEY_LIFETIME : undefined,
      ),
    );
  });
  if (ctx.idempotency) api.use(idempotentMutations(ctx.idempotency, ctx.logger));
  const routesFor = (c: AppContext) => {
    const routes = Router({ mergeParams: true });
    namespaceRoutes(routes, c);
    tableRoutes(routes, c);
    scanRoutes(routes, c);
    viewRoutes(routes, c);
    functionRoutes(routes, c);
    refuseOtherMethods(routes);
    return routes;
  };
  const routes = routesFor(ctx);
  api.use(routes);
  // A named warehouse is selected by its name as the prefix (what /v1/config?warehouse= hands out, and what
  // iceberg-js sends on its own): new tables default to a location under that warehouse.
  for (const [name, warehouse] of ctx.warehouses) {
    if (warehouse !== ctx.warehouse) api.use(`/${encodeURIComponent(name)}`, routesFor({ ...ctx, warehouse }));
  }
  api.use('/:prefix', routes);
  refuseOtherMethods(api);

  const at =
    (ref: (req: Request) => string) =>
    (req: Request, _res: Response, next: NextFunction): void => {
      (req as { icebergRef?: string }).icebergRef = ref(req);
      next();
    };
  // loadTable and tableExists without a prefix, matched in one step: through `/<ref>/v1` and the nested routers below
  // they would cross three routers and every namespace route first. They are reads (nothing for idempotency to
  // replay) and resolve the same refs in the same order as the mounts below; HEAD is mounted before GET, which
  // express would otherwise answer HEAD with. Their metrics label is the nested one (observe-requests.ts).
  const loadTable = loadTableHandler(ctx);
  const tableExists = tableExistsHandler(ctx);
  for (const [path, ref] of [
    [`/:ref/v1${TABLE_PATH}`, (req: Request) => String(req.params['ref'])],
    [`/v1${TABLE_PATH}`, () => ctx.store.defaultBranch],
  ] as const) {
    router.head(path, at(ref), tableExists);
    router.get(path, at(ref), loadTable);
  }
  // `/<ref>/v1` first: a ref named "v1" (`/iceberg/v1/v1/...`) must not be taken for the default branch plus a
  // prefix. `/iceberg/v1/namespaces` cannot match it (its second segment is not "v1").
  router.use(
    '/:ref/v1',
    at((req) => String(req.params['ref'])),
    api,
  );
  router.use(
    '/v1',
    at(() => ctx.store.defaultBranch),
    api,
  );
  return router;
}
