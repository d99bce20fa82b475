import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';

/** Paths the web UI must never answer: the APIs keep their own 404s and error bodies. */
const API_PATH = /^\/(api|iceberg|webhooks|healthz)(\/|$)/;

/**
 * Serves the built web UI (`ui/dist`) at `/`: its files, and `index.html` for any other GET that asks for HTML, so
 * deep links such as `/tables/main/db.orders` load the single-page app. API paths are never shadowed. Without a
 * build nothing is answered here and requests fall through to the usual 404.
 *
 * @example app.use(uiRouter('/repo/ui/dist'))
 */
export function uiRouter(dir: string): Router {
  const router = Router();
  const index = path.join(dir, 'index.html');
  const notApi: RequestHandler = (req, _res, next) => next(API_PATH.test(req.path) ? 'router' : undefined);
  router.use(notApi);
  // Hashed asset names never change content, so they may be cached for good; index.html is revalidated each time.
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  router.use(express.static(dir, { index: false }));
  router.get(/.*/, (req, res, next) => {
    // A missing build asset is a 404, never the page (keys in page paths may contain dots: `/tables/main/db.t`).
    if (req.path.startsWith('/assets/') || !req.accepts('html') || !existsSync(index)) return next();
    res.set('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
