import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ManagementClient, type Reference } from '@ratatouille/catalog-client';
import { http, startTestServer, type TestServer } from './support/server.ts';

const UI_DIST = fileURLToPath(new URL('../ui/dist/', import.meta.url));

/**
 * `rat serve` serves the web UI at `/` beside the APIs, and the read-only endpoints the UI needs
 * (`/api/v2/rat/graph`, `/api/v2/rat/compare`) answer over HTTP.
 */
describe('web UI serving and its read-only endpoints', function () {
  let server: TestServer;
  let api: ManagementClient;

  before(async () => {
    assert.ok(existsSync(`${UI_DIST}index.html`), 'ui/dist is built by `npm install` (prepare → build:ui)');
    server = await startTestServer();
    api = new ManagementClient({ server: server.url });
  });
  after(() => server?.stop());

  const html = (path: string) => fetch(server.url + path, { headers: { accept: 'text/html' } });

  it('serves the app at / and for deep links, and its assets', async () => {
    for (const path of ['/', '/branches', '/history/feature%2Fx', '/tables/main/db.orders']) {
      const res = await html(path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type')!, /text\/html/);
      assert.match(await res.text(), /<div id="root">/);
    }
    const page = await (await html('/')).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(page)![1]!;
    const js = await fetch(server.url + asset);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type')!, /javascript/);
  });

  it('sends a content security policy and refuses framing on the page, deep links and assets', async () => {
    const page = await (await html('/')).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(page)![1]!;
    for (const res of [await html('/'), await html('/tables/main/db.orders'), await fetch(server.url + asset)]) {
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/, res.url);
      assert.match(csp, /frame-ancestors 'none'/, res.url);
      assert.match(csp, /connect-src 'self'/, res.url);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', res.url);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', res.url);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', res.url);
    }
  });

  it('never shadows the APIs or answers a missing file with the page', async () => {
    for (const path of ['/api/v2/nope', '/iceberg/v1/namespaces/nope', '/iceberg/nope/v1/config', '/webhooks/x']) {
      const res = await html(path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type')!, /json/, path);
    }
    assert.equal((await html('/assets/missing-1234.js')).status, 404);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  it('lists the commit graph across merges, children before parents, page by page', async () => {
    const main = await api.getReference('main');
    const c1 = await commitNs(api, main, 'a');
    const dev = await api.createReference('dev', 'BRANCH', c1);
    const d1 = await commitNs(api, dev, 'b');
    const m1 = await commitNs(api, c1, 'c');
    await api.merge('main', m1.hash, d1, { message: 'merge dev' });
    const head = await api.getReference('main');
    const all = await http('GET', `${server.url}/api/v2/rat/graph?ref=main`);
    assert.equal(all.status, 200);
    const hashes = all.body.commits.map((c: any) => c.hash);
    assert.equal(hashes.length, 4, 'merge, c, b, a (the root is left out)');
    assert.equal(hashes[0], head.hash);
    assert.deepEqual(all.body.commits[0].parentCommitHashes, [m1.hash, d1.hash]);
    for (const c of all.body.commits) {
      for (const p of c.parentCommitHashes) {
        const at = hashes.indexOf(p);
        if (at >= 0) assert.ok(at > hashes.indexOf(c.hash), 'a parent comes after its child');
      }
    }
    assert.equal(hashes.at(-1), c1.hash);
    const paged: string[] = [];
    let token: string | undefined;
    do {
      const q = `ref=main&max-records=1${token ? `&page-token=${token}` : ''}`;
      const page = await http('GET', `${server.url}/api/v2/rat/graph?${q}`);
      assert.equal(page.status, 200);
      paged.push(...page.body.commits.map((c: any) => c.hash));
      token = page.body.hasMore ? page.body.token : undefined;
    } while (token);
    assert.deepEqual(paged, hashes);
    const merged = await http('GET', `${server.url}/api/v2/rat/compare?from=dev&to=main`);
    assert.deepEqual(
      [merged.body.ahead, merged.body.behind, merged.body.mergeBase],
      [0, 2, d1.hash],
      'after the merge dev is behind by c and the merge commit',
    );
    const two = await http('GET', `${server.url}/api/v2/rat/graph?ref=main&ref=dev`);
    assert.equal(two.body.commits.length, 4, 'a commit reachable from both refs is listed once');
  });

  it('counts ahead/behind like git rev-list --left-right', async () => {
    const main = await api.getReference('main');
    const x = await api.createReference('x', 'BRANCH', main);
    await commitNs(api, await commitNs(api, x, 'x1'), 'x2');
    await commitNs(api, main, 'm2');
    const cmp = await http('GET', `${server.url}/api/v2/rat/compare?from=x&to=main`);
    assert.equal(cmp.status, 200);
    assert.equal(cmp.body.ahead, 2);
    assert.equal(cmp.body.behind, 1);
    assert.equal(cmp.body.mergeBase, main.hash);
    const capped = await http('GET', `${server.url}/api/v2/rat/compare?from=x&to=main&limit=1`);
    assert.equal(capped.body.truncated, true);
    assert.ok(capped.body.ahead + capped.body.behind <= 1);
    const same = await http('GET', `${server.url}/api/v2/rat/compare?from=main&to=main`);
    assert.deepEqual([same.body.ahead, same.body.behind], [0, 0]);
  });

  it('answers bad input with 400/404', async () => {
    assert.equal((await http('GET', `${server.url}/api/v2/rat/graph`)).status, 400);
    assert.equal((await http('GET', `${server.url}/api/v2/rat/graph?ref=main&page-token=%21%21`)).status, 400);
    assert.equal((await http('GET', `${server.url}/api/v2/rat/graph?ref=nope`)).body.errorCode, 'REFERENCE_NOT_FOUND');
    assert.equal((await http('GET', `${server.url}/api/v2/rat/compare?from=main`)).status, 400);
    const preview = (q: string) => http('GET', `${server.url}/api/v2/rat/preview?${q}`);
    assert.equal(
      (await preview('ref=main&key=a')).body.error.type,
      'NoSuchTableException',
      'a namespace is not a table',
    );
    assert.equal((await preview('ref=main&key=no.such')).status, 404);
    assert.equal((await preview('ref=nope&key=a.b')).body.errorCode, 'REFERENCE_NOT_FOUND');
    assert.equal((await preview('ref=main&key=a.b&limit=0')).status, 400);
    assert.equal((await preview('ref=main')).status, 400);
  });
});

/** One commit on `at`'s branch adding namespace `name`; returns the new head. */
async function commitNs(api: ManagementClient, at: Reference, name: string): Promise<Reference> {
  const r = await api.commit(at.name, at.hash, { message: name }, [
    { type: 'PUT', key: { elements: [name] }, content: { type: 'NAMESPACE', elements: [name] } },
  ]);
  return r.targetBranch;
}
