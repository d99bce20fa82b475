import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTestServer, http, type TestServer } from './server.ts';

/**
 * What the Iceberg REST suites over plain HTTP (`test/iceberg-rest-*.test.ts`) share: a table schema, a view version,
 * 64-bit ids, raw JSON posting (so ids go over the wire exactly as clients write them), and a real server per suite
 * with helpers for its URLs, refs and tables.
 */

export const schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'data', type: 'string', required: false },
  ],
};

/** A view version of one Spark SQL query over `schema` (id 1), resolving names in `namespace`. */
export function viewVersion(sql: string, namespace: string[]) {
  return {
    'version-id': 1,
    'timestamp-ms': 1_700_000_000_000,
    'schema-id': 0,
    summary: { 'engine-name': 'spark' },
    representations: [{ type: 'sql', sql, dialect: 'spark' }],
    'default-namespace': namespace,
  };
}

/** Snapshot ids past 2^53: a JSON.parse anywhere on their way would round them. */
export const BIG = '3051729675574597004';
export const BIG2 = '4051729675574597005';

/** Sends a raw JSON text body so 64-bit ids go over the wire exactly as clients write them. */
export async function rawPost(url: string, text: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
  });
  const body = await res.text();
  return { status: res.status, text: body, json: body ? JSON.parse(body) : null };
}

export function errorOf(r: { status: number; body: any }): { status: number; type: string } {
  return { status: r.status, type: r.body?.error?.type };
}

/** The running server of one suite and helpers bound to it (`server` and `base` are set once `before` ran). */
export interface IcebergHttp {
  server: TestServer;
  /** `<server>/iceberg/v1`: the default branch without a ref segment. */
  base: string;
  /** The Iceberg URL of `p` on `ref` (none: the default branch). */
  ice(p: string, ref?: string): string;
  mainHash(ref?: string): Promise<string>;
  createRef(name: string, type: 'BRANCH' | 'TAG', from?: string): Promise<void>;
  createTable(ns: string, name: string, ref?: string, extra?: Record<string, unknown>): Promise<any>;
  /** An append commit's body as raw JSON; its manifest list is a path inside the warehouse that is never written. */
  appendBody(id: string, seq: number, parent: string | null, requirements?: string): string;
}

/**
 * Starts a server (SQLite store, file warehouse) before the suite it is called in and stops it after.
 *
 * @example describe('tables', () => { const fx = icebergHttpServer(); it('…', () => http('GET', `${fx.base}/config`)) })
 */
export function icebergHttpServer(): IcebergHttp {
  let manifestRoot = '';
  const fx: IcebergHttp = {
    server: undefined as unknown as TestServer,
    base: '',
    ice: (p, ref) => `${fx.server.url}/iceberg${ref === undefined ? '' : `/${encodeURIComponent(ref)}`}/v1${p}`,
    async mainHash(ref = 'main') {
      const r = await http('GET', `${fx.server.url}/api/v2/trees/${encodeURIComponent(ref)}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.reference.hash;
    },
    async createRef(name, type, from = 'main') {
      const hash = await fx.mainHash(from);
      const r = await http('POST', `${fx.server.url}/api/v2/trees?name=${encodeURIComponent(name)}&type=${type}`, {
        type: 'BRANCH',
        name: from,
        hash,
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    },
    async createTable(ns, name, ref, extra = {}) {
      const r = await http('POST', fx.ice(`/namespaces/${ns}/tables`, ref), { name, location: null, schema, ...extra });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    },
    appendBody: (id, seq, parent, requirements = '') =>
      `{"requirements":[${requirements}],"updates":[{"action":"add-snapshot","snapshot":{"snapshot-id":${id},"parent-snapshot-id":${parent},"sequence-number":${seq},"timestamp-ms":${1_700_000_000_000 + seq},"manifest-list":"${manifestRoot}/snap-${id}.avro","summary":{"operation":"append"}}},{"action":"set-snapshot-ref","ref-name":"main","type":"branch","snapshot-id":${id}}]}`,
  };
  before(async () => {
    fx.server = await startTestServer();
    fx.base = `${fx.server.url}/iceberg/v1`;
    manifestRoot = pathToFileURL(path.join(fx.server.dataDir, 'warehouse', 'nowhere')).href;
  });
  after(async () => {
    await fx.server?.stop();
  });
  return fx;
}
