/**
 * `ref@hash` with auth on tells a caller who may not read every reference nothing about which commits exist: a hash
 * that names no commit and one of a branch it cannot read get the same answer, in paths (`/api/v2/trees/<ref>@<hash>`,
 * `/iceberg/<ref>@<hash>`), in request bodies (merges, transplants, creating and re-pointing references) and in the
 * expected hash of writes (`<branch>@<hash>` of commits, merges, transplants, re-pointing and deleting references, and
 * Iceberg writes). Callers who read every reference keep Nessie's answers, and a writer's stale head stays a conflict.
 */
import assert from 'node:assert/strict';
import { hashSecret } from '@ratatouille/catalog-server';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { TEAM_AUTH, bearer, clientToken, tokenFor } from './support/auth.ts';

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
  /** The status both answers must have (403 unless given). */
  status?: number;
  /** What both answers say (their error message, the hash blanked). */
  says?: RegExp;
}

/** A Nessie commit creating namespace `name`. */
const namespaceCommit = (name: string) => ({
  commitMeta: { message: `create ${name}` },
  operations: [{ type: 'PUT', key: { elements: [name] }, content: { type: 'NAMESPACE', elements: [name] } }],
});

describe('auth: ref@hash does not reveal which commits exist', function () {
  this.timeout(60_000);
  let server: TestServer;
  let ops: Record<string, string>;
  let narrow: Record<string, string>;
  /** The head of `hidden` (a branch `narrow` cannot read) and of `team/b` (one it can, re-pointed by the probes). */
  let hidden: string;
  let teamB: string;
  /** `team/s`, which `narrow` reads and writes: its head and the commit before it (a stale head). */
  let stale: string;
  let staleHead: string;
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

  /** Writes whose expected hash (`<branch>@<hash>` in the path) is the probed hash. */
  const b = (hash: string) => encodeURIComponent(`team/b@${hash}`);
  const CONFLICT = 409;
  /** What the store says of an expected hash off the branch's history, and of a write to a point in history. */
  const notInHistory = (branch: string) => new RegExp(`^Expected hash <hash> is not in the history of "${branch}" `);
  const readOnly = /^"team\/a@<hash>" is read-only/;
  const writes: Probe[] = [
    {
      what: 'commit',
      method: 'POST',
      path: (h) => `/api/v2/trees/${a(h)}/history/commit`,
      body: () => namespaceCommit('probe'),
      status: CONFLICT,
      says: notInHistory('team/a'),
    },
    {
      // Nessie clients send the slashes of a branch name raw when a hash follows.
      what: 'commit, raw slashes',
      method: 'POST',
      path: (h) => `/api/v2/trees/team/a@${h}/history/commit`,
      body: () => namespaceCommit('probe'),
      status: CONFLICT,
      says: notInHistory('team/a'),
    },
    {
      // `<hidden>~1` is the fork point, on team/a's history: the write must not start from a commit it cannot read.
      what: 'commit from a relative lookup',
      method: 'POST',
      path: (h) => `/api/v2/trees/${a(`${h}~1`)}/history/commit`,
      body: () => namespaceCommit('probe'),
      status: CONFLICT,
      says: notInHistory('team/a'),
    },
    {
      what: 'merge target',
      method: 'POST',
      path: (h) => `/api/v2/trees/${b(h)}/history/merge`,
      body: () => ({ fromRefName: 'team/s', fromHash: staleHead }),
      status: CONFLICT,
      says: notInHistory('team/b'),
    },
    {
      what: 'transplant target',
      method: 'POST',
      path: (h) => `/api/v2/trees/${b(h)}/history/transplant`,
      body: () => ({ fromRefName: 'team/s', hashesToTransplant: [staleHead] }),
      status: CONFLICT,
      says: notInHistory('team/b'),
    },
    {
      what: 'assign',
      method: 'PUT',
      path: (h) => `/api/v2/trees/${b(h)}?type=BRANCH`,
      body: () => ({ type: 'BRANCH', name: 'team/a', hash: teamB }),
      status: CONFLICT,
      says: notInHistory('team/b'),
    },
    {
      what: 'delete',
      method: 'DELETE',
      path: (h) => `/api/v2/trees/${b(h)}?type=BRANCH`,
      status: CONFLICT,
      says: notInHistory('team/b'),
    },
    {
      what: 'iceberg namespace',
      method: 'POST',
      path: (h) => `/iceberg/${a(h)}/v1/namespaces`,
      body: () => ({ namespace: ['probe'] }),
      status: 400,
      says: readOnly,
    },
    {
      // Table commits are answered ahead of express when the policy plainly allows them (http/hot-commits.ts).
      what: 'iceberg table commit',
      method: 'POST',
      path: (h) => `/iceberg/${a(h)}/v1/namespaces/secret/tables/t`,
      body: () => ({ requirements: [], updates: [] }),
      status: 400,
      says: readOnly,
    },
  ];

  /** Status and body of an answer with the hash it names blanked out, to compare two answers. */
  const answer = async (p: Probe, hash: string, who: Record<string, string>) => {
    const { status, body } = await http(p.method, `${server.url}${p.path(hash)}`, p.body?.(hash), who);
    return { status, body: JSON.stringify(body).split(hash).join('<hash>') };
  };

  /**
   * Each probe sent as `narrow` with a hidden branch's commit and with a hash that names none, in full and as a
   * 12-digit prefix: the two answers are identical (hash blanked), and `check` holds for them.
   */
  const sameForHiddenAndUnknown = async (
    probes: Probe[],
    check: (p: Probe, a: { status: number; body: string }) => void,
  ) => {
    for (const p of probes) {
      for (const [seen, unknown] of [
        [hidden, UNKNOWN],
        [hidden.slice(0, 12), UNKNOWN.slice(0, 12)],
      ] as const) {
        const other = await answer(p, seen, narrow);
        assert.deepEqual(other, await answer(p, unknown, narrow), `${p.what} ${seen.length}`);
        check(p, other);
      }
    }
  };

  /** No reference was created, moved or deleted by the probes. */
  const nothingMoved = async () => {
    const refs = await http('GET', api('/trees'), undefined, ops);
    assert.deepEqual(
      refs.body.references.map((r: { name: string; hash: string }) => `${r.name} ${r.hash === teamB}`),
      ['hidden false', 'main true', 'team/a true', 'team/b true', 'team/s false'],
    );
    assert.equal(refs.body.references[4].hash, staleHead);
  };

  before(async () => {
    server = await startTestServer({ auth: AUTH });
    ops = bearer(await tokenFor(server.url, 'ops'));
    narrow = bearer(await clientToken(server.url, 'narrow', 'narrow-secret'));
    const main = (await http('GET', api('/trees/main'), undefined, ops)).body.reference;
    for (const name of ['team%2Fa', 'team%2Fb', 'team%2Fs', 'hidden']) {
      assert.equal((await http('POST', api(`/trees?name=${name}&type=BRANCH`), main, ops)).status, 200);
    }
    const ns = await http('POST', `${server.url}/iceberg/hidden/v1/namespaces`, { namespace: ['secret'] }, ops);
    assert.equal(ns.status, 200, JSON.stringify(ns.body));
    hidden = (await http('GET', api('/trees/hidden'), undefined, ops)).body.reference.hash;
    teamB = (await http('GET', api('/trees/team%2Fb'), undefined, ops)).body.reference.hash;
    const headOfS = async (namespace: string) => {
      const made = await http('POST', `${server.url}/iceberg/team%2Fs/v1/namespaces`, { namespace: [namespace] }, ops);
      assert.equal(made.status, 200, JSON.stringify(made.body));
      return (await http('GET', api('/trees/team%2Fs'), undefined, ops)).body.reference.hash as string;
    };
    stale = await headOfS('s1');
    staleHead = await headOfS('s2');
  });
  after(async () => server?.stop());

  it('answers a commit of a branch the caller cannot read exactly as one that does not exist', async () => {
    await sameForHiddenAndUnknown(probes, (p, a) => assert.equal(a.status, 403, `${p.what}: ${a.body}`));
    await nothingMoved();
  });

  it('answers the expected hash of a write the same whether it is a commit of a hidden branch or none', async () => {
    await sameForHiddenAndUnknown(writes, (p, a) => {
      assert.equal(a.status, p.status, `${p.what}: ${a.body}`);
      assert.match(JSON.parse(a.body).error.message, p.says!, p.what);
    });
    await nothingMoved();
  });

  it('keeps Nessie answers for a caller who reads every reference, and reads of the own history', async () => {
    const entries = probes[0]!;
    const none = await http('GET', `${server.url}${entries.path(UNKNOWN)}`, undefined, ops);
    assert.equal(none.status, 404, JSON.stringify(none.body));
    assert.equal(none.body.errorCode, 'REFERENCE_NOT_FOUND');
    assert.equal((await http('GET', `${server.url}${entries.path(hidden)}`, undefined, ops)).status, 200);
    assert.equal((await http('GET', `${server.url}${entries.path(teamB)}`, undefined, narrow)).status, 200);
    for (const p of writes) {
      const none = await http(p.method, `${server.url}${p.path(UNKNOWN)}`, p.body?.(UNKNOWN), ops);
      assert.equal(none.status, 404, `${p.what}: ${JSON.stringify(none.body)}`);
    }
    // A merge's fromHash and a transplanted hash: 404 when it names no commit, 400 naming it and the source when it
    // is not the source's (before the merge check, the hidden branch's commit was merged under team/a's name).
    for (const what of ['merge', 'transplant']) {
      const p = probes.find((q) => q.what === what)!;
      const send = (hash: string) => http('POST', `${server.url}${p.path(hash)}`, p.body!(hash), ops);
      assert.equal((await send(UNKNOWN)).status, 404, what);
      const off = await send(hidden);
      assert.equal(off.status, 400, `${what}: ${JSON.stringify(off.body)}`);
      assert.deepEqual([off.body.catalogCode, off.body.errorCode], ['COMMIT_NOT_ON_REFERENCE', 'BAD_REQUEST']);
      assert.match(off.body.message, new RegExp(`^Commit ${hidden} is not on the history of "team/a"`));
    }
    await nothingMoved();
  });

  it('keeps a writer’s stale head of its own branch a conflict, and lets a write on it land as before', async () => {
    const s = (hash: string) => api(`/trees/${encodeURIComponent(`team/s@${hash}`)}`);
    for (const [method, url, body] of [
      ['DELETE', `${s(stale)}?type=BRANCH`, undefined],
      ['PUT', `${s(stale)}?type=BRANCH`, { type: 'BRANCH', name: 'team/a', hash: teamB }],
    ] as const) {
      const res = await http(method, url, body, narrow);
      assert.equal(res.status, 409, JSON.stringify(res.body));
      assert.equal(res.body.message, `"team/s" is at ${staleHead}, not at the expected ${stale}. Reload it and retry.`);
    }
    // A commit from the stale head touching a key changed since is a concurrent change; one that is not lands.
    const changed = await http('POST', `${s(stale)}/history/commit`, namespaceCommit('s2'), narrow);
    assert.equal(changed.status, 409, JSON.stringify(changed.body));
    assert.match(changed.body.message, /^Concurrent change: "s2" changed on "team\/s"/);
    const lands = await http('POST', `${s(stale)}/history/commit`, namespaceCommit('s3'), narrow);
    assert.equal(lands.status, 200, JSON.stringify(lands.body));
  });
});
