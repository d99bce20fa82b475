import type { Router } from 'express';
import { MethodNotAllowedError } from '../errors/index.ts';

/**
 * Answers a request for a path that one of `router`'s routes serves, with a method none of them takes there, with 405
 * and the methods it does take (the error handler sends them as `Allow`), rather than the 404 of a path the API does
 * not have: a client that sent PUT where the API wants POST learns that, not that the table is missing. Call it once
 * every route is registered. OPTIONS is left to express, which answers it with the same list.
 *
 * @example namespaceRoutes(routes, ctx); tableRoutes(routes, ctx); refuseOtherMethods(routes);
 */
export function refuseOtherMethods(router: Router): void {
  const byPath = new Map<string, Set<string>>();
  for (const layer of router.stack) {
    const route = layer.route as { path?: unknown; methods?: Record<string, boolean> } | undefined;
    if (typeof route?.path !== 'string' || !route.methods) continue;
    const methods = byPath.get(route.path) ?? new Set<string>();
    for (const [method, on] of Object.entries(route.methods))
      if (on && method !== '_all') methods.add(method.toUpperCase());
    // Express answers HEAD with a GET route.
    if (methods.has('GET')) methods.add('HEAD');
    byPath.set(route.path, methods);
  }
  for (const [path, methods] of byPath) {
    const allow = [...methods].sort();
    router.all(path, (req, _res, next) => {
      if (req.method === 'OPTIONS' || methods.has(req.method)) next();
      else next(new MethodNotAllowedError(req.method, allow));
    });
  }
}
