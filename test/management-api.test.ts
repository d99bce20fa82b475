/**
 * Differential test of the `/api/v2` management API: the same cases run against Ratatouille and against the real
 * Project Nessie 0.99 (in memory, downloaded once into the cache by test/support/nessie.ts). A case that expects
 * different behaviour says so in its name ("DIFFERENCE: …") and branches on `t.kind`; every such case is listed in
 * docs/api/management.md. Set RAT_SKIP_NESSIE=1 to run only our lane (e.g. on a machine without Java 21).
 */
import { http, startTestServer, type TestServer } from './support/server.ts';
import { startNessie, type RunningNessie } from './support/nessie.ts';
import { clientShapeCases } from './management-api/client-shapes.ts';
import { commitCases } from './management-api/commits.ts';
import { filterCases } from './management-api/filters.ts';
import { mergeCases } from './management-api/merges.ts';
import { readCases } from './management-api/reads.ts';
import { referenceCases } from './management-api/references.ts';
import type { Case, ServerKind, Target } from './management-api/target.ts';

const cases: Case[] = [
  ...referenceCases,
  ...commitCases,
  ...readCases,
  ...mergeCases,
  ...clientShapeCases,
  ...filterCases,
];

async function targetFor(kind: ServerKind, api: string): Promise<Target> {
  const config = await http('GET', `${api}/config`);
  if (config.status !== 200) throw new Error(`${kind}: GET /config answered ${config.status}`);
  return { kind, api, noAncestorHash: config.body.noAncestorHash };
}

function lane(kind: ServerKind, start: () => Promise<{ api: string; stop(): Promise<void> }>) {
  describe(`management API /api/v2 against ${kind}`, function () {
    let server: { api: string; stop(): Promise<void> } | undefined;
    const t = {} as Target;
    before(async function () {
      this.timeout(600_000);
      server = await start();
      Object.assign(t, await targetFor(kind, server.api));
    });
    after(async function () {
      this.timeout(60_000);
      await server?.stop();
    });
    for (const c of cases) {
      it(c.name, async function () {
        this.timeout(60_000);
        await c.run(t);
      });
    }
  });
}

lane('rat', async () => {
  const s: TestServer = await startTestServer();
  return { api: `${s.url}/api/v2`, stop: () => s.stop() };
});

if (process.env['RAT_SKIP_NESSIE'] !== '1') {
  lane('nessie', async () => {
    const n: RunningNessie = await startNessie();
    return { api: n.apiUrl, stop: () => n.stop() };
  });
}
