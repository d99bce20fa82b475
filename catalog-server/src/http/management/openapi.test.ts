import assert from 'node:assert/strict';
import type { Router } from 'express';
import type { AppContext } from '../../app-context.ts';
import { gitRouter } from '../git/router.ts';
import { documentedOperations, managementOpenApi } from './openapi.ts';
import { managementRouter } from './router.ts';

/**
 * `METHOD /path` of a router's routes, with express `:param` written as OpenAPI `{param}`. The catch-all routes that
 * answer other methods with 405 (`http/method-not-allowed.ts`) are not operations.
 */
function routesOf(router: Router, prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of router.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>) {
    if (!layer.route) continue;
    const path = prefix + layer.route.path.replace(/:(\w+)/g, '{$1}');
    for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push(`${m.toUpperCase()} ${path}`);
  }
  return out;
}

describe('management OpenAPI document', () => {
  const ctx = { store: {} } as unknown as AppContext;

  it('documents every route of the management and code-link routers, and nothing else', () => {
    const routes = [...routesOf(managementRouter(ctx)), ...routesOf(gitRouter(ctx), '/git')].filter(
      (r) => r !== 'GET /openapi.json',
    );
    assert.deepEqual([...routes].sort(), [...documentedOperations()].sort());
  });

  it('gives every operation a JSON response schema and every body a JSON request schema', () => {
    const doc = managementOpenApi() as { openapi: string; paths: Record<string, Record<string, any>> };
    assert.equal(doc.openapi, '3.1.0');
    const commit = doc.paths['/trees/{ref}/history/commit']!['post'];
    assert.deepEqual(commit.requestBody.content['application/json'].schema.required, ['commitMeta', 'operations']);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        // Only forgetting a pending merge and taking a release back answer 204 without a body.
        if (method === 'delete' && (path === '/git/pending-merges/{id}' || path === '/rat/released-tables')) {
          assert.deepEqual(Object.keys(op.responses).sort(), ['204', 'default']);
          continue;
        }
        assert.equal(op.responses['200'].content['application/json'].schema.type, 'object', `${method} ${path}`);
      }
    }
    const history = doc.paths['/trees/{ref}/history']!['get'].parameters as Array<{ name: string; required: boolean }>;
    assert.deepEqual(
      history.filter((p) => p.required).map((p) => p.name),
      ['ref'],
    );
  });
});
