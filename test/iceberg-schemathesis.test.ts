import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { ensurePythonVenv, runProcess } from './support/clients/index.ts';
import { icebergSpecPath } from './support/spec-path.ts';

/**
 * Schemathesis over every operation of the shared Iceberg REST OpenAPI spec, positive and negative inputs, against a
 * real server: no response may be a 5xx, and none may violate the spec's response schemas. A fixed seed and a bounded
 * number of examples per operation keep the run to a few minutes and make a failure reproducible
 * (`schemathesis run <spec> --url <server>/iceberg --seed <SEED> ...`).
 */

const SEED = 20261203;
const MAX_EXAMPLES = 20;
const CHECKS = ['not_a_server_error', 'response_schema_conformance'];

/**
 * The spec's view endpoints (and its shared 406 response) declare their error bodies as a bare `ErrorModel`, while
 * its own examples for those very responses, every other endpoint, and every client (Java's ErrorResponseParser,
 * PyIceberg) use the `{"error": ErrorModel}` wrapper. The server answers with the wrapper everywhere; the copy the
 * run reads points those schemas at the wrapper too, and changes nothing else.
 */
function specWithErrorWrapper(text: string): string {
  return text.replace(
    /(schema:\s*\n\s*\$ref: ')#\/components\/schemas\/ErrorModel'/g,
    "$1#/components/schemas/IcebergErrorResponse'",
  );
}

interface CheckOutcome {
  name: string;
  status: string;
  failure_info?: { failure?: { title?: string; message?: string } };
}

/** Failed checks per operation from schemathesis's NDJSON event report. */
function failedChecks(ndjson: string): { total: number; failures: string[] } {
  let total = 0;
  const failures: string[] = [];
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as {
      ScenarioFinished?: { recorder: { label: string; checks?: Record<string, CheckOutcome[]> } };
    };
    const recorder = event.ScenarioFinished?.recorder;
    if (!recorder) continue;
    for (const [caseId, checks] of Object.entries(recorder.checks ?? {})) {
      for (const c of checks) {
        total++;
        if (c.status === 'failure') {
          const f = c.failure_info?.failure;
          failures.push(`${recorder.label} [${caseId}] ${c.name}: ${f?.title ?? ''} ${f?.message ?? ''}`.slice(0, 400));
        }
      }
    }
  }
  return { total, failures };
}

/**
 * Creates what the spec's parameter examples name (namespaces `accounting` and `accounting.tax`, `sales`), so that
 * generated requests reach existing namespaces, tables and views instead of stopping at 404, and their responses are
 * checked too.
 */
async function seedSpecExamples(base: string): Promise<void> {
  const schema = {
    type: 'struct',
    fields: [
      { id: 1, name: 'id', type: 'long', required: true },
      { id: 2, name: 'amount', type: 'decimal(10, 2)', required: false, doc: null },
    ],
  };
  const ok = (r: { status: number; body: unknown }) => assert.equal(r.status, 200, JSON.stringify(r.body));
  ok(await http('POST', `${base}/namespaces`, { namespace: ['accounting'] }));
  ok(await http('POST', `${base}/namespaces`, { namespace: ['accounting', 'tax'], properties: { owner: 'finance' } }));
  ok(await http('POST', `${base}/namespaces/accounting/tables`, { name: 'sales', location: null, schema }));
  ok(
    await http('POST', `${base}/namespaces/accounting%1Ftax/views`, {
      name: 'sales',
      schema,
      'view-version': {
        'version-id': 1,
        'timestamp-ms': Date.now(),
        'schema-id': 0,
        summary: { engine: 'spark' },
        representations: [{ type: 'sql', sql: 'SELECT id, amount FROM accounting.sales', dialect: 'spark' }],
        'default-namespace': ['accounting'],
        'default-catalog': null,
      },
      properties: {},
    }),
  );
}

describe('Iceberg REST under schemathesis (shared OpenAPI spec)', function () {
  let server: TestServer;
  let work: string;

  before(async () => {
    server = await startTestServer();
    work = mkdtempSync(path.join(os.tmpdir(), 'rat-schemathesis-'));
    await seedSpecExamples(`${server.url}/iceberg/v1`);
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('answers no 5xx and nothing that violates the response schemas', async () => {
    const venv = await ensurePythonVenv();
    const spec = path.join(work, 'iceberg-rest-catalog-open-api.yaml');
    writeFileSync(spec, specWithErrorWrapper(readFileSync(icebergSpecPath(), 'utf8')));
    const reports = path.join(work, 'reports');
    const r = await runProcess(
      path.join(venv.dir, 'bin', 'schemathesis'),
      [
        'run',
        spec,
        '--url',
        `${server.url}/iceberg`,
        '--checks',
        CHECKS.join(','),
        '--seed',
        String(SEED),
        '--max-examples',
        String(MAX_EXAMPLES),
        '--workers',
        '1',
        '--generation-database',
        'none',
        '--no-color',
        '--report',
        'ndjson',
        '--report-dir',
        reports,
      ],
      { cwd: work, killAfterMs: 540_000 },
    );
    const files = readdirSync(reports).filter((f) => f.endsWith('.ndjson'));
    assert.equal(files.length, 1, `no report; schemathesis said:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
    const { total, failures } = failedChecks(readFileSync(path.join(reports, files[0]!), 'utf8'));
    // A run that checked almost nothing (spec not loaded, server unreachable) must not pass as clean.
    assert.ok(total > 1000, `only ${total} checks ran:\n${r.stdout.slice(-3000)}`);
    assert.deepEqual(failures, [], `${failures.length} failed checks:\n${r.stdout.slice(-6000)}`);
  });
});
