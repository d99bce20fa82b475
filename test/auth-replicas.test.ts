import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '@ratatouille/catalog-server';
import { TEAM_AUTH, bearer, tokenFor } from './support/auth.ts';
import { startTestPostgres, type TestPostgres } from './support/postgres.ts';
import { http } from './support/server.ts';

/**
 * Replicas with auth on: servers on one PostgreSQL share the token signing key through the database, so a token one
 * replica issued is accepted by every other, with no key file to copy between them.
 */
describe('auth on replicas: one PostgreSQL, one signing key', function () {
  this.timeout(120_000);
  let db: TestPostgres;
  const servers: RunningServer[] = [];
  const dirs: string[] = [];

  const replica = async (url: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-auth-replica-'));
    dirs.push(dir);
    const s = await startServer({ port: 0, dataDir: dir, store: url, auth: TEAM_AUTH, logLevel: 'warn' });
    servers.push(s);
    return { server: s, dir };
  };

  before(async () => (db = await startTestPostgres()));
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await db?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('accepts on every replica a token any of them issued, also when they first started together', async () => {
    const url = await db.createDatabase();
    // Started at the same moment on a fresh database: each generates a key, one is stored, all use that one.
    const [a, b] = await Promise.all([replica(url), replica(url)]);
    const c = await replica(url); // a later start reads the stored key
    for (const [issuer, others] of [
      [a, [b, c]],
      [c, [a, b]],
    ] as const) {
      const token = await tokenFor(issuer.server.url, 'bi');
      for (const other of others) {
        const r = await http('GET', `${other.server.url}/api/v2/trees`, undefined, bearer(token));
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
    }
    // Not a key file in any data dir: the database holds it.
    for (const r of [a, b, c]) assert.equal(existsSync(path.join(r.dir, 'auth', 'token-signing-key.json')), false);
  });

  it("refuses a token signed with another catalog's key", async () => {
    const other = await replica(await db.createDatabase());
    const foreign = await tokenFor(other.server.url, 'bi');
    const url = await db.createDatabase();
    const mine = await replica(url);
    const r = await http('GET', `${mine.server.url}/api/v2/trees`, undefined, bearer(foreign));
    assert.equal(r.status, 401);
  });
});
