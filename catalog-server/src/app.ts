import express from 'express';
import type { AppContext } from './app-context.ts';
import { managementRouter } from './http/management/router.ts';
import { icebergRouter } from './http/iceberg/router.ts';
import { webhooksRouter } from './http/webhooks/router.ts';
import { gitRouter } from './http/git/router.ts';
import { uiRouter } from './http/ui/static.ts';
import { uiSupportRouter } from './http/ui/router.ts';
import { whoamiRouter } from './http/ui/whoami.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { observeRequests } from './http/observe-requests.ts';
import { jsonBodies } from './http/json-body.ts';
import { authentication, authorization } from './http/auth/index.ts';

/** Builds the express app: Nessie-style management API, Iceberg REST per ref, forge webhooks, the web UI at `/`. */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended');
  app.use(observeRequests(ctx.logger, ctx.metrics));
  app.use(authentication(ctx));
  app.use(['/api/v2', '/iceberg'], jsonBodies());
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  app.use(authorization(ctx));
  // First: query engines send most requests here, and each mount passed on the way costs a path match. The mounts'
  // paths do not overlap, so their order changes nothing else.
  app.use('/iceberg', icebergRouter(ctx));
  app.use('/api/v2/git', gitRouter(ctx));
  app.use('/api/v2/rat', uiSupportRouter(ctx), whoamiRouter(ctx));
  app.use('/api/v2', managementRouter(ctx));
  app.use('/webhooks', webhooksRouter(ctx));
  if (ctx.uiDir) app.use(uiRouter(ctx.uiDir));
  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger));
  return app;
}
