/**
 * `rat branch|tag|log|diff|merge|revert|gc` run as the real binary (`node cli/bin/rat.js`) against a test server.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer, type AddressInfo } from 'node:net';
import { http, startTestServer, type TestServer } from './support/server.ts';
import { RAT_BIN } from './support/rat-cli.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function rat(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { RAT_SERVER: _ignored, ...base } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [RAT_BIN, ...args], { env: { ...base, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('rat management commands (real binary)', function () {
  // Each `rat` run starts a fresh Node process (seconds on a loaded machine); this is a hang guard, not a time check.
  this.timeout(600_000);
  let server: TestServer;
  let s: string[];
  const api = (p: string) => `${server.url}/api/v2${p}`;

  async function headOf(name: string): Promise<string> {
    const res = await http('GET', api(`/trees/${encodeURIComponent(name)}`));
    assert.equal(res.status, 200);
    return res.body.reference.hash;
  }

  async function put(branch: string, key: string[], location: string, id?: string): Promise<void> {
    const ops: unknown[] = [
      {
        type: 'PUT',
        key: { elements: key },
        content: {
          type: 'ICEBERG_TABLE',
          ...(id ? { id } : {}),
          metadataLocation: location,
          snapshotId: 1,
          schemaId: 0,
          specId: 0,
          sortOrderId: 0,
        },
      },
    ];
    const res = await http('POST', api(`/trees/${encodeURIComponent(branch)}@${await headOf(branch)}/history/commit`), {
      commitMeta: { message: `put ${key.join('.')}` },
      operations: ops,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }

  before(async () => {
    server = await startTestServer();
    s = ['--server', server.url];
  });
  after(async () => {
    await server?.stop();
  });

  it('branch create / list / delete, readable and --json', async () => {
    const created = await rat(['branch', 'create', 'feature/x', ...s]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created branch feature\/x/);
    const list = await rat(['branch', 'list', '--json', ...s]);
    assert.equal(list.code, 0, list.stderr);
    const names = (JSON.parse(list.stdout) as Array<{ name: string; type: string }>).map((r) => r.name).sort();
    assert.deepEqual(names, ['feature/x', 'main']);
    const plain = await rat(['branch', ...s]);
    assert.match(plain.stdout, /^feature\/x\s+[0-9a-f]{12}$/m);
    const dup = await rat(['branch', 'create', 'feature/x', ...s]);
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /REFERENCE_ALREADY_EXISTS/);
    const bad = await rat(['branch', 'create', 'a..b', ...s]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /400/);
    const del = await rat(['branch', 'delete', 'feature/x', '--json', ...s]);
    assert.equal(del.code, 0, del.stderr);
    assert.equal(JSON.parse(del.stdout).name, 'feature/x');
    const gone = await rat(['branch', 'delete', 'feature/x', ...s]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /REFERENCE_NOT_FOUND/);
  });

  it('tag create from a branch, list, delete; RAT_SERVER picks the server', async () => {
    const env = { RAT_SERVER: server.url };
    assert.equal((await rat(['tag', 'create', 'v1', '--from', 'main'], env)).code, 0);
    const list = await rat(['tag', 'list', '--json'], env);
    assert.deepEqual(
      (JSON.parse(list.stdout) as Array<{ name: string; type: string }>).map((r) => [r.name, r.type]),
      [['v1', 'TAG']],
    );
    assert.equal((await rat(['tag', 'delete', 'v1'], env)).code, 0);
    assert.deepEqual(JSON.parse((await rat(['tag', 'list', '--json'], env)).stdout), []);
  });

  it('log and diff show the commits and keys of a branch', async () => {
    assert.equal((await rat(['branch', 'create', 'work', ...s])).code, 0);
    const ns = await http('POST', api(`/trees/work@${await headOf('work')}/history/commit`), {
      commitMeta: { message: 'namespace db' },
      operations: [{ type: 'PUT', key: { elements: ['db'] }, content: { type: 'NAMESPACE', elements: ['db'] } }],
    });
    assert.equal(ns.status, 200);
    await put('work', ['db', 'orders'], 's3://w/orders/1.json');
    const log = await rat(['log', 'work', '--json', ...s]);
    assert.equal(log.code, 0, log.stderr);
    const messages = (JSON.parse(log.stdout) as Array<{ commitMeta: { message: string } }>).map(
      (e) => e.commitMeta.message,
    );
    assert.deepEqual(messages, ['put db.orders', 'namespace db']);
    const one = await rat(['log', 'work', '-n', '1', '--stat', ...s]);
    assert.match(one.stdout, /put db\.orders/);
    assert.doesNotMatch(one.stdout, /namespace db/);
    // git log's narrowing options, evaluated by the server's log filter.
    const selected = async (...args: string[]) => {
      const r = await rat(['log', 'work', '--json', ...args, ...s]);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as Array<{ commitMeta: { message: string } }>).map((e) => e.commitMeta.message);
    };
    assert.deepEqual(await selected('--touching', 'db.orders'), ['put db.orders']);
    assert.deepEqual(await selected('--touching', 'db'), ['put db.orders', 'namespace db']);
    assert.deepEqual(await selected('--grep', '^namespace'), ['namespace db']);
    assert.deepEqual(await selected('--since', '1h', '--until', '2099-01-01'), ['put db.orders', 'namespace db']);
    assert.deepEqual(await selected('--until', '2000-01-01'), []);
    assert.deepEqual(await selected('--filter', "commit.message.endsWith('orders')", '--author', '.*'), [
      'put db.orders',
    ]);
    const badTime = await rat(['log', 'work', '--since', 'soonish', ...s]);
    assert.equal(badTime.code, 1);
    assert.match(badTime.stderr, /--since/);
    const badFilter = await rat(['log', 'work', '--filter', 'commit.author ==', ...s]);
    assert.equal(badFilter.code, 1);
    assert.match(badFilter.stderr, /400.*CEL filter/);
    // -v: each branch's head commit and where it stands against the default branch.
    const verbose = await rat(['branch', '-v', ...s]);
    assert.equal(verbose.code, 0, verbose.stderr);
    assert.match(verbose.stdout, /^work\s+[0-9a-f]{12} {2}\[ahead 2\] put db\.orders$/m);
    const diff = await rat(['diff', 'main', 'work', '--json', ...s]);
    assert.equal(diff.code, 0, diff.stderr);
    const keys = (JSON.parse(diff.stdout) as Array<{ key: { elements: string[] } }>).map((d) =>
      d.key.elements.join('.'),
    );
    assert.deepEqual(keys.sort(), ['db', 'db.orders']);
    const readable = await rat(['diff', 'main', 'work', ...s]);
    assert.match(readable.stdout, /^A {2}db\.orders {2}\(ICEBERG_TABLE\)$/m);
  });

  it('merge: dry run changes nothing, merge lands, a second merge is a no-op, a conflict exits 2', async () => {
    const mainBefore = await headOf('main');
    const dry = await rat(['merge', 'work', '--dry-run', ...s]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(await headOf('main'), mainBefore);
    const merged = await rat(['merge', 'work', '--json', ...s]);
    assert.equal(merged.code, 0, merged.stderr);
    const result = JSON.parse(merged.stdout);
    assert.equal(result.wasApplied, true);
    assert.equal(await headOf('main'), result.resultantTargetHash);
    const again = await rat(['merge', 'work', ...s]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /Already up to date/);

    // Both sides change db.orders.
    const id = (await http('GET', api('/trees/main/contents/db.orders'))).body.content.id as string;
    await put('main', ['db', 'orders'], 's3://w/orders/main.json', id);
    await put('work', ['db', 'orders'], 's3://w/orders/work.json', id);
    const mainHead = await headOf('main');
    const conflict = await rat(['merge', 'work', ...s]);
    assert.equal(conflict.code, 2);
    assert.match(conflict.stdout, /C {2}db\.orders/);
    assert.equal(await headOf('main'), mainHead);
    const unconfirmed = await rat(['merge', 'work', '--force', 'db.orders', ...s]);
    assert.equal(unconfirmed.code, 2, 'forcing without a terminal to confirm on needs --yes');
    assert.match(unconfirmed.stdout, /! {2}db\.orders: /);
    assert.equal(await headOf('main'), mainHead);
    const forced = await rat(['merge', 'work', '--force', 'db.orders', '--yes', ...s]);
    assert.equal(forced.code, 0, forced.stderr + forced.stdout);
    const now = await http('GET', api('/trees/main/contents/db.orders'));
    assert.equal(now.body.content.metadataLocation, 's3://w/orders/work.json');
  });

  it('branch reset: moves a branch back and keeps what left it as a tag; fast-forwards; refuses a moved head', async () => {
    assert.equal((await rat(['branch', 'create', 'undo', ...s])).code, 0);
    await put('undo', ['undo1'], 's3://w/undo/1.json');
    const good = await headOf('undo');
    await put('undo', ['undo2'], 's3://w/undo/2.json');
    await put('undo', ['undo3'], 's3://w/undo/3.json');
    const bad = await headOf('undo');
    const tags = async () =>
      (JSON.parse((await rat(['tag', 'list', '--json', ...s])).stdout) as Array<{ name: string; hash: string }>).map(
        (t) => [t.name, t.hash],
      );
    const before = await tags();

    // A head that moved since it was read: nothing changes, no tag is left behind (the server's compare-and-swap
    // refuses the move; where there is nothing to move, the command checks the head itself).
    const stale = await rat(['branch', 'reset', 'undo', '--to', 'main', '--expect', good, ...s]);
    assert.equal(stale.code, 2, stale.stdout + stale.stderr);
    assert.match(stale.stderr, /409 REFERENCE_CONFLICT/);
    const staleNoMove = await rat(['branch', 'reset', 'undo', '--hash', good, '--expect', good, '--json', ...s]);
    assert.equal(staleNoMove.code, 2, staleNoMove.stdout + staleNoMove.stderr);
    assert.equal(JSON.parse(staleNoMove.stdout).error.code, 'REFERENCE_CONFLICT');
    assert.equal(await headOf('undo'), bad);

    const reset = await rat(['branch', 'reset', 'undo', '--hash', good, '--json', ...s]);
    assert.equal(reset.code, 0, reset.stderr);
    const keptAs = `archive/undo-${bad.slice(0, 12)}`;
    assert.deepEqual(JSON.parse(reset.stdout), {
      name: 'undo',
      from: bad,
      to: good,
      left: 2,
      truncated: false,
      keptAs,
    });
    assert.equal(await headOf('undo'), good);
    assert.deepEqual(await tags(), [...before, [keptAs, bad]].sort());
    const gone = await http('GET', api('/trees/undo/contents/undo3'));
    assert.equal(gone.status, 404, 'the branch reads as it did at the commit it was reset to');

    // Back to the kept head: a fast-forward, so no second tag.
    const back = await rat(['branch', 'reset', 'undo', '--to', keptAs, ...s]);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /^Reset branch undo from [0-9a-f]{12} to [0-9a-f]{12} \(archive\/undo-/m);
    assert.match(back.stdout, /Fast-forward: no commit left the branch/);
    assert.equal(await headOf('undo'), bad);
    assert.equal((await tags()).length, before.length + 1);
    const again = await rat(['branch', 'reset', 'undo', '--to', keptAs, ...s]);
    assert.match(again.stdout, /already at/);

    const notBranch = await rat(['branch', 'reset', keptAs, '--to', 'main', ...s]);
    assert.equal(notBranch.code, 1);
    assert.match(notBranch.stderr, /is a tag, not a branch/);
    const nowhere = await rat(['branch', 'reset', 'undo', ...s]);
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.stderr, /say where to move it: --to <ref>, --hash <hash>/);
    const unknown = await rat(['branch', 'reset', 'undo', '--hash', 'f'.repeat(64), ...s]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /404 REFERENCE_NOT_FOUND/);
    assert.equal(await headOf('undo'), bad);
  });

  it('revert: undoes one commit of a branch with a new commit; a key changed since is a conflict', async () => {
    const schema = { type: 'struct', fields: [{ id: 1, name: 'x', required: false, type: 'int' }] };
    const iceberg = async (branch: string, path: string, body: unknown) => {
      const res = await http('POST', `${server.url}/iceberg/${branch}/v1${path}`, body);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body['metadata-location'] as string;
    };
    const createTable = (branch: string, name: string) => iceberg(branch, '/namespaces/rvn/tables', { name, schema });
    const setProperty = (branch: string, name: string, value: string) =>
      iceberg(branch, `/namespaces/rvn/tables/${name}`, {
        requirements: [],
        updates: [{ action: 'set-properties', updates: { v: value } }],
      });
    const location = async (name: string) => {
      const res = await http('GET', api(`/trees/rv/contents/rvn.${name}`));
      return res.status === 200 ? res.body.content.metadataLocation : res.status;
    };

    assert.equal((await rat(['branch', 'create', 'rv', ...s])).code, 0);
    assert.equal((await http('POST', `${server.url}/iceberg/rv/v1/namespaces`, { namespace: ['rvn'] })).status, 200);
    const a1 = await createTable('rv', 'rva');
    // One catalog commit that changes rva and adds rvc, with contents (and metadata files) made on a side branch.
    assert.equal((await rat(['branch', 'create', 'rvs', '--from', 'rv', ...s])).code, 0);
    await setProperty('rvs', 'rva', '2');
    await createTable('rvs', 'rvc');
    const contentOn = async (branch: string, name: string) => {
      const { id: _id, ...content } = (await http('GET', api(`/trees/${branch}/contents/rvn.${name}`))).body.content;
      return content;
    };
    const run = await http('POST', api(`/trees/rv@${await headOf('rv')}/history/commit`), {
      commitMeta: { message: 'bad run' },
      operations: [
        { type: 'PUT', key: { elements: ['rvn', 'rva'] }, content: await contentOn('rvs', 'rva') },
        { type: 'PUT', key: { elements: ['rvn', 'rvc'] }, content: await contentOn('rvs', 'rvc') },
      ],
    });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    const bad = run.body.targetBranch.hash as string;
    const b1 = await createTable('rv', 'rvb'); // a later commit, on another table

    const before = await headOf('rv');
    const dry = await rat(['revert', bad.slice(0, 12), '--on', 'rv', '--dry-run', ...s]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Would revert [0-9a-f]{12} on rv \(2 key\(s\)\):$/m);
    assert.match(dry.stdout, /^ {2}restored {2}rvn\.rva$/m);
    assert.match(dry.stdout, /^ {2}removed {3}rvn\.rvc$/m);
    assert.equal(await headOf('rv'), before);

    const done = await rat(['revert', bad.slice(0, 12), '--on', 'rv', '--json', ...s]);
    assert.equal(done.code, 0, done.stderr);
    const r = JSON.parse(done.stdout);
    assert.deepEqual([r.reverted, r.from, r.to], [bad, before, await headOf('rv')]);
    assert.deepEqual([await location('rva'), await location('rvc'), await location('rvb')], [a1, 404, b1]);
    const loaded = await http('GET', `${server.url}/iceberg/rv/v1/namespaces/rvn/tables/rva`);
    assert.equal(loaded.status, 200, 'the restored table loads');
    const log = JSON.parse((await rat(['log', 'rv', '-n', '1', '--json', ...s])).stdout);
    assert.equal(log[0].commitMeta.message, `Revert "bad run"\n\nThis reverts commit ${bad}.`);

    // rvb's creation, after rvb changed again: nothing is reverted.
    const created = JSON.parse((await rat(['log', 'rv', '-n', '2', '--json', ...s])).stdout)[1].commitMeta.hash;
    const b2 = await setProperty('rv', 'rvb', '2');
    const conflict = await rat(['revert', created, '--on', 'rv', ...s]);
    assert.equal(conflict.code, 2, conflict.stdout + conflict.stderr);
    assert.match(conflict.stderr, /1 key\(s\) changed after it: rvn\.rvb \(changed since\); nothing changed/);

    // A merge commit is undone against its first parent: what the merge brought in goes.
    assert.equal((await rat(['branch', 'create', 'rvm', '--from', 'rv', ...s])).code, 0);
    await createTable('rvm', 'rvx');
    assert.equal((await rat(['merge', 'rvm', '--into', 'rv', ...s])).code, 0);
    const undoMerge = await rat(['revert', await headOf('rv'), '--on', 'rv', ...s]);
    assert.equal(undoMerge.code, 0, undoMerge.stderr);
    assert.match(undoMerge.stdout, /^ {2}removed {3}rvn\.rvx$/m);
    assert.deepEqual([await location('rvx'), await location('rvb')], [404, b2]);

    // A table whose earlier metadata file is gone (as GC collects it) is not restored to it: exit code 1 (the
    // server's 422; each refusal's answer is in test/management-revert.test.ts).
    const changed = await setProperty('rv', 'rvb', '3');
    const change = JSON.parse((await rat(['log', 'rv', '-n', '1', '--json', ...s])).stdout)[0].commitMeta.hash;
    rmSync(fileURLToPath(b2));
    const head3 = await headOf('rv');
    const gone = await rat(['revert', change, '--on', 'rv', ...s]);
    assert.equal(gone.code, 1, gone.stdout + gone.stderr);
    assert.match(
      gone.stderr,
      /^rat: 422 [A-Z_]+: Cannot revert [0-9a-f]{12} on rv: the earlier metadata file of rvn\.rvb is gone/,
    );
    assert.equal(await location('rvb'), changed);

    // A commit that is not on the branch's history (main moved on after rv was made).
    await put('main', ['elsewhere'], 's3://w/elsewhere/1.json');
    const foreign = await rat(['revert', await headOf('main'), '--on', 'rv', ...s]);
    assert.equal(foreign.code, 1, foreign.stdout + foreign.stderr);
    assert.match(foreign.stderr, /is not on the history of "rv"/);
    assert.equal(await headOf('rv'), head3);
  });

  it('gc: a dry run lists and deletes nothing; the real run deletes what it listed; --json for scripts', async () => {
    const iceberg = `${server.url}/iceberg/v1`;
    assert.equal((await http('POST', `${iceberg}/namespaces`, { namespace: ['gcns'] })).status, 200);
    const schema = { type: 'struct', fields: [{ id: 1, name: 'x', required: false, type: 'int' }] };
    const t = await http('POST', `${iceberg}/namespaces/gcns/tables`, { name: 'gone', schema });
    assert.equal(t.status, 200);
    assert.equal((await http('DELETE', `${iceberg}/namespaces/gcns/tables/gone`)).status, 204);
    const all = await rat(['gc', '--dry-run', '--grace', '0', ...s]);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /would delete 0 files/, 'all history is kept by default');
    const dry = await rat(['gc', '--dry-run', '--grace', '0', '--keep-history', '0', '--json', ...s]);
    assert.equal(dry.code, 0, dry.stderr);
    const listed = JSON.parse(dry.stdout).files.map((f: { location: string }) => f.location);
    assert.ok(listed.includes(t.body['metadata-location']), dry.stdout);
    assert.ok(
      JSON.parse(dry.stdout).foreignMetadata.includes('s3://w/orders/work.json'),
      'foreign pointers are reported',
    );
    const real = await rat(['gc', '--grace', '0', '--keep-history', '0', ...s]);
    assert.equal(real.code, 0, real.stderr);
    assert.match(
      real.stdout,
      new RegExp(`deleted  ${t.body['metadata-location'].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
    assert.match(real.stdout, new RegExp(`deleted ${listed.length} files`));
    const bad = await rat(['gc', '--keep-history', 'soon', ...s]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /not a duration/);
  });

  it('a namespace named "a.b" and the path a, b stay distinct in diff and merge, output and options', async () => {
    assert.equal((await rat(['branch', 'create', 'dots', ...s])).code, 0);
    const dotted = ['a.b', 't'];
    const nested = ['a', 'b', 't'];
    await put('dots', dotted, 's3://w/dotted/1.json');
    await put('dots', nested, 's3://w/nested/1.json');
    const diff = await rat(['diff', 'main', 'dots', ...s]);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /^A {2}\.a\*\.b\.t {2}\(ICEBERG_TABLE\)$/m);
    assert.match(diff.stdout, /^A {2}a\.b\.t {2}\(ICEBERG_TABLE\)$/m);
    const underDotted = await rat(['diff', 'main', 'dots', '--prefix', '.a*.b', '--json', ...s]);
    assert.deepEqual(
      (JSON.parse(underDotted.stdout) as Array<{ key: { elements: string[] } }>).map((d) => d.key.elements),
      [dotted],
    );
    assert.equal((await rat(['merge', 'dots', ...s])).code, 0);

    // Both keys changed on both sides: the source wins for one, the target is kept for the other.
    const idOf = async (key: string) =>
      (await http('GET', api(`/trees/main/contents/${encodeURIComponent(key)}`))).body.content.id as string;
    const [dottedId, nestedId] = [await idOf('.a*.b.t'), await idOf('a.b.t')];
    await put('main', dotted, 's3://w/dotted/main.json', dottedId);
    await put('main', nested, 's3://w/nested/main.json', nestedId);
    await put('dots', dotted, 's3://w/dotted/dots.json', dottedId);
    await put('dots', nested, 's3://w/nested/dots.json', nestedId);
    const merged = await rat(['merge', 'dots', '--force', '.a*.b.t', '--drop', 'a.b.t', ...s]);
    assert.equal(merged.code, 0, merged.stdout + merged.stderr);
    const location = async (key: string) =>
      (await http('GET', api(`/trees/main/contents/${encodeURIComponent(key)}`))).body.content.metadataLocation;
    assert.equal(await location('.a*.b.t'), 's3://w/dotted/dots.json');
    assert.equal(await location('a.b.t'), 's3://w/nested/main.json');
  });

  it('an unreachable server is a one-line error naming where it looked, why and what to do, and exit code 1', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const res = await rat(['branch', 'list', '--server', `http://127.0.0.1:${port}`]);
    assert.equal(res.code, 1);
    assert.equal(
      res.stderr.trim(),
      `rat: cannot reach the catalog server at http://127.0.0.1:${port} (ECONNREFUSED); start one with \`rat serve\`, ` +
        'or point --server or RAT_SERVER at it',
    );
  });
});
