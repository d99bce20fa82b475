/**
 * `ref@hash` with auth on tells a caller who may not read every reference nothing about which commits exist: a hash
 * that names no commit and one of a branch it cannot read get the same answer, in paths (`/api/v2/trees/<ref>@<hash>`,
 * `/iceberg/<ref>@<hash>`) and in request bodies (merges, transplants, creating and re-pointing references). Callers
 * who read every reference keep Nessie's answers.
 */
import assert from 'node:assert/strict';
import { hashSecret } from '@ratatouille/catalog-server';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { TEAM_AUTH, bearer, tokenFor } from './support/auth.ts';

/** The team config plus `narrow`, who reads and writes `team/*` only. */
const AUTH = {
  ...TEAM_AUTH,
  clients: [...TEAM_AUTH.clients!, { id: 'narrow', 'secret-sha256': hashSecret('narrow-secret'), roles: ['team'] }],
  roles: { ...TEAM_AUTH.roles, team: [{ refs: ['team/*'], allow: ['read' as const, 'write' as const] }] },
};

interface Probe {
  what: string;
  method: string;
  path: (hash: string) => string;
  body?: (hash: string) => unknown;
}

describe('auth: ref@hash does not reveal which commits exist', function () {
  this.timeout(60_000);
  let server: TestServer;
  let ops: Record<string, string>;
  let narrow: Record<string, string>;
  /** The head of `hidden` (a branch `narrow` cannot read) and of `team/b` (one it can, re-pointed by the probes). */
  let hidden: string;
  let teamB: string;
  const UNKNOWN = 'deadbeef'.repeat(8);
  const api = (p: string) => `${server.url}/api/v2${p}`;
  const a = (hash: string) => encodeURIComponent(`team/a@${hash}`);

  const probes: Probe[] = [
    { what: 'entries', method: 'GET', path: (h) => `/api/v2/trees/${a(h)}/entries` },
    { what: 'history', method: 'GET', path: (h) => `/api/v2/trees/${a(h)}/history` },
    { what: 'relative lookup', method: 'GET', path: (h) => `/api/v2/trees/${a(`${h}~1`)}/entries` },
    { what: 'diff', method: 'GET', path: (h) => `/api/v2/trees/team%2Fa/diff/${a(h)}` },
    { what: 'graph', method: 'GET', path: (h) => `/api/v2/rat/graph?ref=${a(h)}` },
    { what: 'iceberg', method: 'GET', path: (h) => `/iceberg/${a(h)}/v1/namespaces` },
    {
      what: 'merge',
      method: 'POST',
      path: () => `/api/v2/trees/${encodeURIComponent(`team/b@${teamB}`)}/history/merge`,
      body: (h) => ({ fromRefName: 'team/a', fromHash: h }),
    },
    {
      what: 'merge from a relative lookup',
      method: 'POST',
      path: () => `/api/v2/trees/${encodeURIComponent(`team/b@${teamB}`)}/history/merge`,
      body: (h) => ({ fromRefName: 'team/a', fromHash: `${h}~1` }),
    },
    {
      what: 'transplant',
      method: 'POST',
      path: () => `/api/v2/trees/${encodeURIComponent(`team/b@${teamB}`)}/history/transplant`,
      body: (h) => ({ fromRefName: 'team/a', hashesToTransplant: [h] }),
    },
    {
      what: 'create',
      method: 'POST',
      path: () => '/api/v2/trees?name=team%2Fc&type=BRANCH',
      body: (h) => ({ type: 'BRANCH', name: 'team/a', hash: h }),
    },
    {
      what: 'assign',
      method: 'PUT',
      path: () => `/api/v2/trees/${encodeURIComponent(`team/b@${teamB}`)}?type=BRANCH`,
      body: (h) => ({ type: 'BRANCH', name: 'team/a', hash: h }),
    },
  ];

  /** Status and body of an answer with the hash it names blanked out, to compare two answers. */
  const answer = async (p: Probe, hash: string, who: Record<string, string>) => {
    const { status, body } = await http(p.method, `${server.url}${p.path(hash)}`, p.body?.(hash), who);
    return { status, body: JSON.stringify(body).split(hash).join('<hash>') };
  };

  before(async () => {
    server = await startTestServer({ auth: AUTH });
    ops = bearer(await tokenFor(server.url, 'ops'));
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'narrow',
      client_secret: 'narrow-secret',
    });
    const token = await http('POST', `${server.url}/iceberg/v1/oauth/tokens`, form.toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    narrow = bearer(token.body.access_token);
    const main = (await http('GET', api('/trees/main'), undefined, ops)).body.reference;
    for (const name of ['team%2Fa', 'team%2Fb', 'hidden']) {
      assert.equal((await http('POST', api(`/trees?name=${name}&type=BRANCH`), main, ops)).status, 200);
    }
    const ns = await http('POST', `${server.url}/iceberg/hidden/v1/namespaces`, { namespace: ['secret'] }, ops);
    assert.equal(ns.status, 200, JSON.stringify(ns.body));
    hidden = (await http('GET', api('/trees/hidden'), undefined, ops)).body.reference.hash;
    teamB = (await http('GET', api('/trees/team%2Fb'), undefined, ops)).body.reference.hash;
  });
  after(async () => server?.stop());

  it('answers a commit of a branch the caller cannot read exactly as one that does not exist', async () => {
    for (const p of probes) {
      for (const [seen, unknown] of [
        [hidden, UNKNOWN],
        [hidden.slice(0, 12), UNKNOWN.slice(0, 12)],
      ] as const) {
        const other = await answer(p, seen, narrow);
        const none = await answer(p, unknown, narrow);
        assert.deepEqual(other, none, `${p.what} ${seen.length}`);
        assert.equal(other.status, 403, `${p.what}: ${other.body}`);
      }
    }
    // Nothing was created or moved.
    const refs = await http('GET', api('/trees'), undefined, ops);
    assert.deepEqual(
      refs.body.references.map((r: { name: string; hash: string }) => `${r.name} ${r.hash === teamB}`),
      ['hidden false', 'main true', 'team/a true', 'team/b true'],
    );
  });

  it('keeps Nessie answers for a caller who reads every reference, and reads of the own history', async () => {
    const entries = probes[0]!;
    const none = await http('GET', `${server.url}${entries.path(UNKNOWN)}`, undefined, ops);
    assert.equal(none.status, 404, JSON.stringify(none.body));
    assert.equal(none.body.errorCode, 'REFERENCE_NOT_FOUND');
    assert.equal((await http('GET', `${server.url}${entries.path(hidden)}`, undefined, ops)).status, 200);
    assert.equal((await http('GET', `${server.url}${entries.path(teamB)}`, undefined, narrow)).status, 200);
  });
});
