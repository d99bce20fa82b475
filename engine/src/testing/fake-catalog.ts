import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  applyTableCommit,
  createTableUpdates,
  parseJson,
  parseTableRequirement,
  parseTableUpdate,
  RequirementFailedError,
  stringifyJson,
  tableMetadataToJson,
  type TableMetadata,
} from '@ratatouille/iceberg';

/**
 * A minimal in-memory Iceberg REST catalog (one ref, no metadata files) for the engine's unit tests, built on the
 * same pure appliers as the real server. Use the real server (`test/support/server.ts`) for end-to-end tests.
 */
export async function startFakeCatalog(warehouseDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const namespaces = new Set<string>();
  const tables = new Map<string, TableMetadata>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const send = (status: number, obj?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(obj === undefined ? '' : stringifyJson(obj));
      };
      const fail = (status: number, type: string, message: string) =>
        send(status, { error: { message, type, code: status } });
      try {
        const url = new URL(req.url ?? '/', 'http://x');
        const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
        const i = parts.indexOf('v1');
        const rest = parts.slice(i + 1);
        const json = body
          ? (parseJson(body) as { namespace?: string[]; name?: string; requirements?: unknown[]; updates?: unknown[] })
          : {};
        const load = (key: string) => ({
          'metadata-location': `mem://${key}`,
          metadata: tableMetadataToJson(tables.get(key)!),
          config: {},
        });
        if (rest[0] === 'config') return send(200, { defaults: {}, overrides: {} });
        if (rest[0] !== 'namespaces') return fail(404, 'NotFound', 'no route');
        if (rest.length === 1 && req.method === 'POST') {
          const ns = (json.namespace ?? []).join('\x1f');
          if (namespaces.has(ns)) return fail(409, 'AlreadyExistsException', 'exists');
          namespaces.add(ns);
          return send(200, { namespace: json.namespace, properties: {} });
        }
        const ns = rest[1];
        if (rest.length === 2) {
          return namespaces.has(ns)
            ? send(200, { namespace: ns.split('\x1f'), properties: {} })
            : fail(404, 'NoSuchNamespaceException', ns);
        }
        if (rest.length === 3 && req.method === 'GET') {
          const identifiers = [...tables.keys()]
            .filter((k) => k.startsWith(`${ns}\x00`))
            .map((k) => ({ namespace: ns.split('\x1f'), name: k.split('\x00')[1] }));
          return send(200, { identifiers });
        }
        if (rest.length === 3 && req.method === 'POST') {
          if (!namespaces.has(ns)) return fail(404, 'NoSuchNamespaceException', ns);
          const key = `${ns}\x00${json.name}`;
          if (tables.has(key)) return fail(409, 'AlreadyExistsException', key);
          const location = pathToFileURL(
            `${warehouseDir}/${ns.split('\x1f').join('.')}/${json.name}-${randomUUID()}`,
          ).href;
          const md = applyTableCommit(
            undefined,
            [],
            createTableUpdates(json as never, { uuid: randomUUID(), location }),
            {
              now: Date.now(),
            },
          );
          tables.set(key, md);
          return send(200, load(key));
        }
        const key = `${ns}\x00${rest[3]}`;
        if (!tables.has(key)) return fail(404, 'NoSuchTableException', key);
        if (req.method === 'GET') return send(200, load(key));
        if (req.method === 'DELETE') {
          tables.delete(key);
          return send(204);
        }
        try {
          const md = applyTableCommit(
            tables.get(key),
            (json.requirements ?? []).map(parseTableRequirement),
            (json.updates ?? []).map(parseTableUpdate),
            { now: Date.now() },
          );
          tables.set(key, md);
          return send(200, load(key));
        } catch (err) {
          if (err instanceof RequirementFailedError) return fail(409, 'CommitFailedException', err.message);
          throw err;
        }
      } catch (err) {
        return fail(400, 'BadRequestException', (err as Error).message);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
