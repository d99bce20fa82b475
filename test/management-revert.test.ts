/**
 * The management API's revert (`POST /api/v2/trees/{branch}@{hash}/history/revert`) over HTTP against a real server:
 * what it undoes, the commit it makes, and each refusal with its status, leaving the branch where it was. The CLI's
 * `rat revert` over the same endpoint is in test/cli-management.test.ts; who may revert in test/auth-namespace-merges.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { http } from './support/server.ts';
import { icebergHttpServer, schema, viewVersion } from './support/iceberg-http.ts';

describe('management API: revert a commit of a branch', function () {
  this.timeout(60_000);
  const fx = icebergHttpServer();
  const api = (p: string) => `${fx.server.url}/api/v2${p}`;
  const head = (ref = 'rv') => fx.mainHash(ref);
  const revert = async (hash: string, body: Record<string, unknown> = {}, at?: string) =>
    http('POST', api(`/trees/rv@${at ?? (await head())}/history/revert`), { hash, ...body });
  const setProperty = async (name: string, value: string) => {
    const r = await http('POST', fx.ice(`/namespaces/rvn/tables/${name}`, 'rv'), {
      requirements: [],
      updates: [{ action: 'set-properties', updates: { v: value } }],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body['metadata-location'] as string;
  };
  const location = async (name: string, ref = 'rv') => {
    const r = await http('GET', api(`/trees/${ref}/contents/rvn.${name}`));
    return r.status === 200 ? (r.body.content.metadataLocation as string) : r.status;
  };

  before(async () => {
    await fx.createRef('rv', 'BRANCH');
    assert.equal((await http('POST', fx.ice('/namespaces', 'rv'), { namespace: ['rvn'] })).status, 200);
    await fx.createTable('rvn', 'a', 'rv');
  });

  it('a dry run changes nothing; the revert commits the parent content back with rat.reverts', async () => {
    const a1 = await location('a');
    await setProperty('a', '1');
    const bad = await head();
    const b1 = (await fx.createTable('rvn', 'b', 'rv'))['metadata-location'];
    const before = await head();

    const dry = await revert(bad.slice(0, 12), { dryRun: true });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual(
      [dry.body.reverted, dry.body.from, dry.body.to, dry.body.dryRun, dry.body.conflicts],
      [bad, before, null, true, []],
    );
    assert.deepEqual(
      dry.body.operations.map((o: any) => [o.type, o.key.elements, o.content?.metadataLocation, o.content?.id]),
      [['PUT', ['rvn', 'a'], a1, undefined]],
    );
    assert.equal(await head(), before, 'a dry run commits nothing');

    const done = await revert(bad, { commitMeta: { message: 'undo the property' } });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.to, await head());
    assert.deepEqual([await location('a'), await location('b')], [a1, b1], 'b, changed after, stays');
    const log = await http('GET', api('/trees/rv/history?max-records=1'));
    const meta = log.body.logEntries[0].commitMeta;
    assert.equal(meta.message, 'undo the property');
    assert.deepEqual(meta.allProperties['rat.reverts'], [bad]);
    assert.deepEqual(meta.parentCommitHashes, [before]);
    const loaded = await http('GET', fx.ice('/namespaces/rvn/tables/a', 'rv'));
    assert.equal(loaded.status, 200, 'the restored table loads');
  });

  it('keeps a 63-bit snapshot id exact in the content it puts back', async () => {
    const id = '8744736658442914487';
    const put = async (snapshotId: string) => {
      const at = await head();
      const content = `{"type":"ICEBERG_TABLE","metadataLocation":${JSON.stringify(await location('a'))},"snapshotId":${snapshotId},"schemaId":0,"specId":0,"sortOrderId":0}`;
      const body = `{"commitMeta":{"message":"big ${snapshotId}"},"operations":[{"type":"PUT","key":{"elements":["rvn","big"]},"content":${content}}]}`;
      const r = await fetch(api(`/trees/rv@${at}/history/commit`), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(r.status, 200, await r.text());
      return head();
    };
    await put(id);
    const changed = await put('1');
    const r = await fetch(api(`/trees/rv@${await head()}/history/revert`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hash: changed, dryRun: true }),
    });
    const text = await r.text();
    assert.equal(r.status, 200, text);
    assert.match(text, new RegExp(`"snapshotId":${id}[,}]`), text);
  });

  it('a key changed since is a 409 naming it (or the result, asked for), and nothing changes', async () => {
    await setProperty('a', '2');
    const change = await head();
    await setProperty('a', '3');
    const before = await head();
    const refused = await revert(change);
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.errorCode, 'REFERENCE_CONFLICT');
    assert.deepEqual(
      refused.body.errorDetails.conflicts.map((c: any) => [c.key.elements, c.conflictType]),
      [[['rvn', 'a'], 'VALUE_DIFFERS']],
    );
    assert.match(refused.body.message, /1 key\(s\) changed after it \(rvn\.a\); nothing changed/);
    const asResult = await revert(change, { returnConflictAsResult: true });
    assert.equal(asResult.status, 200, JSON.stringify(asResult.body));
    assert.deepEqual(asResult.body.conflicts, [{ key: { elements: ['rvn', 'a'] }, reason: 'changed' }]);
    assert.deepEqual([asResult.body.operations, asResult.body.to], [[], null]);
    assert.equal(await head(), before);
  });

  it('a commit that changes the same key after the head the revert was planned on: 409', async () => {
    await setProperty('a', '4');
    const change = await head();
    const seen = change; // the caller read the branch here
    await setProperty('a', '5'); // someone else, meanwhile
    const moved = await head();
    const stale = await revert(change, {}, seen);
    assert.equal(stale.status, 409, JSON.stringify(stale.body));
    assert.equal(stale.body.errorCode, 'REFERENCE_CONFLICT');
    assert.equal(await head(), moved);
  });

  it('a namespace the commit created is removed only while nothing made later is in it', async () => {
    assert.equal((await http('POST', fx.ice('/namespaces', 'rv'), { namespace: ['later'] })).status, 200);
    const created = await head();
    await fx.createTable('later', 't', 'rv');
    const before = await head();
    const refused = await revert(created);
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.deepEqual(
      refused.body.errorDetails.conflicts.map((c: any) => [c.key.elements, c.conflictType]),
      [[['later'], 'NAMESPACE_NOT_EMPTY']],
    );
    assert.equal(await head(), before);
    // Undo the table first, then the namespace goes too.
    assert.equal((await revert(before)).status, 200);
    const undone = await revert(created);
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    assert.equal((await http('HEAD', fx.ice('/namespaces/later', 'rv'))).status, 404);
  });

  it('a table or view whose earlier metadata file is gone (as GC collects it) is not restored to it: 422', async () => {
    const before1 = await setProperty('a', '6');
    await setProperty('a', '7');
    const change = await head();
    rmSync(fileURLToPath(before1));
    const table = await revert(change);
    assert.equal(table.status, 422, JSON.stringify(table.body));
    assert.match(table.body.message, /the earlier metadata file of rvn\.a is gone/);
    assert.deepEqual(table.body.error.type, 'UnprocessableEntityException');
    const dry = await revert(change, { dryRun: true });
    assert.equal(dry.status, 422, 'a dry run says so too');

    const version = (sql: string, id: number) => ({ ...viewVersion(sql, ['rvn']), 'version-id': id });
    const created = await http('POST', fx.ice('/namespaces/rvn/views', 'rv'), {
      name: 'v',
      schema,
      'view-version': version('select 1', 1),
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const replaced = await http('POST', fx.ice('/namespaces/rvn/views/v', 'rv'), {
      requirements: [],
      updates: [
        { action: 'add-view-version', 'view-version': version('select 2', 2) },
        { action: 'set-current-view-version', 'view-version-id': -1 },
      ],
    });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    const replacing = await head();
    rmSync(fileURLToPath(created.body['metadata-location']));
    const view = await revert(replacing);
    assert.equal(view.status, 422, JSON.stringify(view.body));
    assert.match(view.body.message, /the earlier metadata file of rvn\.v is gone/);
    assert.equal(await head(), replacing);
  });

  it('refuses a write without the head seen, a commit off the history, the root, with 400s; an unknown branch 404', async () => {
    const before = await head();
    const noHead = await http('POST', api('/trees/rv/history/revert'), { hash: before });
    assert.equal(noHead.status, 400, JSON.stringify(noHead.body));
    assert.match(noHead.body.message, /Expected hash must be provided/);
    assert.equal((await http('POST', fx.ice('/namespaces', 'main'), { namespace: ['other'] })).status, 200);
    const foreign = await revert(await head('main'));
    assert.equal(foreign.status, 400, JSON.stringify(foreign.body));
    assert.equal(foreign.body.catalogCode, 'COMMIT_NOT_ON_REFERENCE');
    const config = await http('GET', api('/config'));
    const root = await revert(config.body.noAncestorHash);
    assert.equal(root.status, 400, JSON.stringify(root.body));
    const badHash = await revert('not-a-hash');
    assert.equal(badHash.status, 400, JSON.stringify(badHash.body));
    const noBranch = await http('POST', api(`/trees/nope@${before}/history/revert`), { hash: before });
    assert.equal(noBranch.status, 404, JSON.stringify(noBranch.body));
    assert.equal(await head(), before);
  });
});
