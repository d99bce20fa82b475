import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { startTestServer, http, type TestServer } from './support/server.ts';
import { icebergSpecPath } from './support/spec-path.ts';

/**
 * Every Iceberg REST endpoint's success response, and the error body, checked against the schemas of the Apache
 * Iceberg OpenAPI spec itself (read from the shared specs folder, or RAT_ICEBERG_SPEC).
 */

type Schema = Record<string, unknown>;

/** A small validator for the OpenAPI 3.1 schema subset the spec uses; returns a list of problems. */
function validate(spec: Schema, schema: Schema, value: unknown, at: string, out: string[]): void {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const target = ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], spec) as Schema;
    validate(spec, target, value, at, out);
    return;
  }
  if (
    value === null &&
    (schema['nullable'] === true || (Array.isArray(schema['type']) && schema['type'].includes('null')))
  )
    return;
  for (const s of (schema['allOf'] as Schema[] | undefined) ?? []) validate(spec, s, value, at, out);
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = schema[key] as Schema[] | undefined;
    if (options && !options.some((s) => probe(spec, s, value))) out.push(`${at}: matches none of ${key}`);
  }
  const types = Array.isArray(schema['type'])
    ? (schema['type'] as string[])
    : schema['type']
      ? [schema['type'] as string]
      : [];
  if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
    out.push(`${at}: expected ${types.join('|')}, got ${JSON.stringify(value)?.slice(0, 80)}`);
    return;
  }
  if (schema['enum'] && !(schema['enum'] as unknown[]).includes(value))
    out.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if ('const' in schema && schema['const'] !== value)
    out.push(`${at}: expected const ${JSON.stringify(schema['const'])}`);
  if (Array.isArray(value) && schema['items'])
    value.forEach((v, i) => validate(spec, schema['items'] as Schema, v, `${at}[${i}]`, out));
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const r of (schema['required'] as string[] | undefined) ?? [])
      if (!(r in obj)) out.push(`${at}: missing required "${r}"`);
    const props = (schema['properties'] as Record<string, Schema> | undefined) ?? {};
    const extra = schema['additionalProperties'];
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) validate(spec, props[k], v, `${at}.${k}`, out);
      else if (extra === false && !schema['allOf']) out.push(`${at}: unexpected property "${k}"`);
      else if (extra && typeof extra === 'object') validate(spec, extra as Schema, v, `${at}.${k}`, out);
    }
  }
}

function probe(spec: Schema, schema: Schema, value: unknown): boolean {
  const out: string[] = [];
  validate(spec, schema, value, '', out);
  return out.length === 0;
}

function typeMatches(t: string, v: unknown): boolean {
  switch (t) {
    case 'object':
      return !!v && typeof v === 'object' && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    default:
      return true;
  }
}

describe('Iceberg REST responses match the OpenAPI spec', function () {
  let server: TestServer;
  let spec: Schema;
  let specPath: string;
  const base = () => `${server.url}/iceberg/v1`;

  before(async function () {
    specPath = icebergSpecPath();
    spec = yaml.load(readFileSync(specPath, 'utf8')) as Schema;
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  /** The JSON schema of a documented response of `<method> <path template>` with `status`. */
  function responseSchema(template: string, method: string, status: number): Schema {
    const op = ((spec['paths'] as Record<string, Record<string, Schema>>)[template] ?? {})[method.toLowerCase()];
    assert.ok(op, `${specPath} documents ${method} ${template}`);
    let resp = (op['responses'] as Record<string, Schema>)[String(status)];
    assert.ok(resp, `${specPath} documents status ${status} of ${method} ${template}`);
    if (typeof resp['$ref'] === 'string')
      resp = (spec['components'] as Record<string, Record<string, Schema>>)['responses'][
        resp['$ref'].split('/').pop()!
      ];
    const content = resp['content'] as Record<string, { schema: Schema }> | undefined;
    return content?.['application/json']?.schema ?? {};
  }

  async function check(method: string, url: string, template: string, status: number, body?: unknown): Promise<any> {
    const r = await http(method, url, body);
    assert.equal(r.status, status, `${method} ${url}: ${JSON.stringify(r.body)}`);
    if (status !== 204 && status !== 304) {
      const problems: string[] = [];
      validate(spec, responseSchema(template, method, status), r.body, 'response', problems);
      assert.deepEqual(problems, [], `${method} ${template} vs ${specPath}`);
    }
    return r.body;
  }

  async function checkError(method: string, url: string, status: number, body?: unknown): Promise<void> {
    const r = await http(method, url, body);
    assert.equal(r.status, status);
    const problems: string[] = [];
    validate(spec, { $ref: '#/components/schemas/IcebergErrorResponse' }, r.body, 'error', problems);
    assert.deepEqual(problems, []);
    assert.equal(r.body.error.code, status);
  }

  it('every endpoint', async () => {
    const schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', type: 'long', required: true }] };
    const P = '/v1/{prefix}';
    await check('GET', `${base()}/config`, '/v1/config', 200);
    await check('POST', `${base()}/namespaces`, `${P}/namespaces`, 200, { namespace: ['s'], properties: { a: '1' } });
    await check('GET', `${base()}/namespaces`, `${P}/namespaces`, 200);
    await check('GET', `${base()}/namespaces/s`, `${P}/namespaces/{namespace}`, 200);
    await check('HEAD', `${base()}/namespaces/s`, `${P}/namespaces/{namespace}`, 204);
    await check('POST', `${base()}/namespaces/s/properties`, `${P}/namespaces/{namespace}/properties`, 200, {
      updates: { b: '2' },
      removals: ['a'],
    });
    const created = await check('POST', `${base()}/namespaces/s/tables`, `${P}/namespaces/{namespace}/tables`, 200, {
      name: 't',
      schema,
    });
    await check('POST', `${base()}/namespaces/s/tables`, `${P}/namespaces/{namespace}/tables`, 200, {
      name: 'staged',
      schema,
      'stage-create': true,
    });
    await check('GET', `${base()}/namespaces/s/tables`, `${P}/namespaces/{namespace}/tables`, 200);
    await check('GET', `${base()}/namespaces/s/tables/t`, `${P}/namespaces/{namespace}/tables/{table}`, 200);
    await check('HEAD', `${base()}/namespaces/s/tables/t`, `${P}/namespaces/{namespace}/tables/{table}`, 204);
    await check('POST', `${base()}/namespaces/s/tables/t`, `${P}/namespaces/{namespace}/tables/{table}`, 200, {
      requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null }],
      updates: [
        {
          action: 'add-snapshot',
          snapshot: {
            'snapshot-id': 1,
            'sequence-number': 1,
            'timestamp-ms': 1,
            'manifest-list': 'x',
            summary: { operation: 'append' },
          },
        },
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 1 },
      ],
    });
    await check(
      'GET',
      `${base()}/namespaces/s/tables/t/credentials`,
      `${P}/namespaces/{namespace}/tables/{table}/credentials`,
      200,
    );
    await check(
      'POST',
      `${base()}/namespaces/s/tables/t/metrics`,
      `${P}/namespaces/{namespace}/tables/{table}/metrics`,
      204,
      {
        'report-type': 'commit-report',
        'table-name': 's.t',
        'snapshot-id': 1,
        'sequence-number': 1,
        operation: 'append',
        metrics: {},
      },
    );
    await check('POST', `${base()}/transactions/commit`, `${P}/transactions/commit`, 204, {
      'table-changes': [
        {
          identifier: { namespace: ['s'], name: 't' },
          requirements: [],
          updates: [{ action: 'set-properties', updates: { x: 'y' } }],
        },
      ],
    });
    await check('POST', `${base()}/tables/rename`, `${P}/tables/rename`, 204, {
      source: { namespace: ['s'], name: 't' },
      destination: { namespace: ['s'], name: 't2' },
    });
    await check('DELETE', `${base()}/namespaces/s/tables/t2`, `${P}/namespaces/{namespace}/tables/{table}`, 204);
    await check('POST', `${base()}/namespaces/s/register`, `${P}/namespaces/{namespace}/register`, 200, {
      name: 'r',
      'metadata-location': created['metadata-location'],
    });

    const version = {
      'version-id': 1,
      'timestamp-ms': 1,
      'schema-id': 0,
      summary: {},
      representations: [{ type: 'sql', sql: 'select 1', dialect: 'spark' }],
      'default-namespace': ['s'],
    };
    const view = await check('POST', `${base()}/namespaces/s/views`, `${P}/namespaces/{namespace}/views`, 200, {
      name: 'v',
      schema,
      'view-version': version,
      properties: {},
    });
    await check('GET', `${base()}/namespaces/s/views`, `${P}/namespaces/{namespace}/views`, 200);
    await check('GET', `${base()}/namespaces/s/views/v`, `${P}/namespaces/{namespace}/views/{view}`, 200);
    await check('HEAD', `${base()}/namespaces/s/views/v`, `${P}/namespaces/{namespace}/views/{view}`, 204);
    await check('POST', `${base()}/namespaces/s/views/v`, `${P}/namespaces/{namespace}/views/{view}`, 200, {
      requirements: [{ type: 'assert-view-uuid', uuid: view.metadata['view-uuid'] }],
      updates: [{ action: 'set-properties', updates: { c: 'd' } }],
    });
    await check('POST', `${base()}/namespaces/s/register-view`, `${P}/namespaces/{namespace}/register-view`, 200, {
      name: 'v3',
      'metadata-location': view['metadata-location'],
    });
    await check('POST', `${base()}/views/rename`, `${P}/views/rename`, 204, {
      source: { namespace: ['s'], name: 'v' },
      destination: { namespace: ['s'], name: 'v2' },
    });
    await check('DELETE', `${base()}/namespaces/s/views/v2`, `${P}/namespaces/{namespace}/views/{view}`, 204);

    await checkError('GET', `${base()}/namespaces/s/tables/missing`, 404);
    await checkError('POST', `${base()}/namespaces`, 409, { namespace: ['s'] });
    await checkError('POST', `${base()}/namespaces/s/tables/r`, 400, { updates: [{ action: 'nope' }] });
    await checkError('DELETE', `${base()}/namespaces/s`, 409);
  });

  it('the checker itself rejects bodies that break the spec', () => {
    const problems: string[] = [];
    const broken = {
      metadata: { 'format-version': 'two', 'table-uuid': 1, schemas: [{ fields: 'no' }] },
      config: { a: 1 },
    };
    validate(
      spec,
      responseSchema('/v1/{prefix}/namespaces/{namespace}/tables/{table}', 'GET', 200),
      broken,
      'response',
      problems,
    );
    assert.ok(problems.length >= 3, problems.join('; '));
  });

  it('the endpoints advertised by /v1/config are all documented by the spec', async () => {
    const r = await http('GET', `${base()}/config`);
    const paths = spec['paths'] as Record<string, Record<string, unknown>>;
    for (const e of r.body.endpoints as string[]) {
      const [method, template] = e.split(' ');
      assert.ok(paths[template]?.[method.toLowerCase()], `${e} is in ${specPath}`);
    }
  });
});
