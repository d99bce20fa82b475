/**
 * `rat cherry-pick` run as the real binary (`node cli/bin/rat.js`) against a test server: commits of one branch copied
 * onto another (the management API's transplant), a dry run, a conflict, a hash of another branch.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { runRat } from './support/rat-cli.ts';

describe('rat cherry-pick (real binary)', function () {
  // Each `rat` run starts a fresh Node process (seconds on a loaded machine); this is a hang guard, not a time check.
  this.timeout(600_000);
  let server: TestServer;
  const api = (p: string) => `${server.url}/api/v2${p}`;
  const rat = (...args: string[]) => runRat(os.tmpdir(), [...args, '--server', server.url], { RAT_SERVER: '' });
  const headOf = async (name: string): Promise<string> => {
    const res = await http('GET', api(`/trees/${encodeURIComponent(name)}`));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.reference.hash;
  };
  const location = async (branch: string, key: string) => {
    const res = await http('GET', api(`/trees/${branch}/contents/${key}`));
    return res.status === 200 ? (res.body.content.metadataLocation as string) : res.status;
  };
  /** One commit on `branch` putting a table at `key` (its content id kept when `id` is given); its hash. */
  const put = async (branch: string, key: string[], metadataLocation: string, id?: string, author = 'ana') => {
    const res = await http('POST', api(`/trees/${branch}@${await headOf(branch)}/history/commit`), {
      commitMeta: { message: `put ${key.join('.')}`, author },
      operations: [
        {
          type: 'PUT',
          key: { elements: key },
          content: {
            type: 'ICEBERG_TABLE',
            ...(id ? { id } : {}),
            metadataLocation,
            snapshotId: 1,
            schemaId: 0,
            specId: 0,
            sortOrderId: 0,
          },
        },
      ],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.targetBranch.hash as string;
  };

  before(async () => {
    server = await startTestServer();
    assert.equal((await rat('branch', 'create', 'fix')).code, 0);
  });
  after(async () => {
    await server?.stop();
  });

  it('copies one commit of a branch onto another, with its author and message; a dry run changes nothing', async () => {
    await put('fix', ['wip'], 's3://w/wip/1.json');
    const fix = await put('fix', ['hotfix'], 's3://w/hotfix/1.json', undefined, 'bo');
    await put('main', ['other'], 's3://w/other/1.json');
    const before = await headOf('main');

    const dry = await rat('cherry-pick', fix.slice(0, 12), '--from', 'fix', '--dry-run');
    assert.equal(dry.code, 0, dry.out);
    assert.match(dry.stdout, /^Would copy 1 commit\(s\) of fix onto main$/m);
    assert.match(dry.stdout, /^ {5}hotfix$/m);
    assert.equal(await headOf('main'), before);

    const done = await rat('cherry-pick', fix.slice(0, 12), '--from', 'fix');
    assert.equal(done.code, 0, done.out);
    const after = await headOf('main');
    assert.match(done.stdout, new RegExp(`^Copied 1 commit\\(s\\) of fix onto main: ${before.slice(0, 12)}`, 'm'));
    assert.deepEqual(
      [await location('main', 'hotfix'), await location('main', 'wip'), await location('main', 'other')],
      ['s3://w/hotfix/1.json', 404, 's3://w/other/1.json'],
      'only the picked commit is copied; main keeps its own',
    );
    const log = await http('GET', api('/trees/main/history?max-records=1'));
    const meta = log.body.logEntries[0].commitMeta;
    assert.deepEqual([meta.hash, meta.message, meta.authors], [after, 'put hotfix', ['bo']]);
    assert.deepEqual(meta.parentCommitHashes, [before], 'a commit of its own on main, not a merge');
    // The same commit again: its change is there already, so nothing is committed (as Nessie and git's cherry-pick
    // make no empty commit), and the output says so.
    const again = await rat('cherry-pick', fix.slice(0, 12), '--from', 'fix');
    assert.equal(again.code, 0, again.out);
    assert.match(again.stdout, /^Nothing to copy: main already holds every change of 1 commit\(s\) of fix/m);
    assert.match(again.stdout, /^ {5}hotfix: already the same on the target$/m);
    assert.equal(await headOf('main'), after, 'no empty commit on main');
  });

  it('a key both branches changed is a conflict: exit code 2, nothing copied; --json gives the answer', async () => {
    const id = (await http('GET', api('/trees/main/contents/hotfix'))).body.content.id as string;
    const onFix = await put('fix', ['hotfix'], 's3://w/hotfix/fix-2.json', id);
    await put('main', ['hotfix'], 's3://w/hotfix/main-2.json', id);
    const before = await headOf('main');
    const conflict = await rat('cherry-pick', onFix, '--from', 'fix');
    assert.equal(conflict.code, 2, conflict.out);
    assert.match(conflict.stdout, /has 1 conflict\(s\); nothing changed/);
    assert.match(conflict.stdout, /^ {2}C {2}hotfix: /m);
    const json = await rat('cherry-pick', onFix, '--from', 'fix', '--json');
    assert.equal(json.code, 2, json.out);
    assert.equal(JSON.parse(json.stdout).wasSuccessful, false);
    assert.equal(await headOf('main'), before);
  });

  it('takes any commit without --from, and refuses a hash that is not on --from', async () => {
    const fix = await put('fix', ['detached'], 's3://w/detached/1.json');
    const picked = await rat('cherry-pick', fix, '--onto', 'main');
    assert.equal(picked.code, 0, picked.out);
    assert.equal(await location('main', 'detached'), 's3://w/detached/1.json');
    const before = await headOf('main');
    const elsewhere = await rat('cherry-pick', before, '--from', 'fix');
    assert.equal(elsewhere.code, 1, elsewhere.out);
    assert.match(elsewhere.out, /is not on the history of "fix"/);
    assert.equal(await headOf('main'), before);
  });
});
