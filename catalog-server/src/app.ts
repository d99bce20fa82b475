import express from 'express';
import type { AppContext } from './app-context.ts';
import { managementRouter } from './http/management/router.ts';
import { icebergRouter } from './http/iceberg/router.ts';
import { webhooksRouter } from './http/webhooks/router.ts';
import { gitRouter } from './http/git/router.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { authentication, authorization } from './http/auth/index.ts';

/** Builds the express app: Nessie-style management API, Iceberg REST per ref, forge webhooks. */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended');
  app.use(authentication(ctx));
  app.use(
    express.json({
      limit: '64mb',
      type: ['application/json', 'application/*+json'],
      // The Iceberg routes re-parse the raw text: JSON.parse would round 63-bit snapshot ids.
      verify: (req, _res, buf) => {
        (req as { rawBody?: Buffer }).rawBody = buf;
      },
    }),
  );
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(authorization(ctx));
  app.use('/api/v2/git', gitRouter(ctx));
  app.use('/api/v2', managementRouter(ctx));
  app.use('/iceberg', icebergRouter(ctx));
  app.use('/webhooks', webhooksRouter(ctx));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
