import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';

/** Paths the web UI must never answer: the APIs keep their own 404s and error bodies. */
const API_PATH = /^\/(api|iceberg|webhooks|healthz)(\/|$)/;

/**
 * Sent with the page and its assets. The app runs only its own bundled script and stylesheet and talks only to this
 * origin, so the policy allows nothing else: text the catalog holds (names, messages, properties, data) can never run
 * as script, even if a page ever rendered it as HTML, and the token cannot be sent elsewhere. No other site may frame
 * the UI, where it could trick a user into clicking delete or merge. Links to other sites carry no page path.
 */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // The page's empty favicon is a data: URL.
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

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
  router.use((_req, res, next) => {
    res.set(UI_SECURITY_HEADERS);
    next();
  });
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
