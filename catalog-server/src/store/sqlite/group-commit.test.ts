import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ReferenceConflictError } from '../../errors/index.ts';
import type { RefUpdate } from '../core/persistence.ts';
import type { ContentKey, Operation } from '../types.ts';
import type { SqlitePersistence } from './sqlite-persistence.ts';
import { GroupCommit } from './group-commit.ts';
import { SqliteVersionStore } from './sqlite-store.ts';
import { describePipelinedCommitContract } from '../contract-pipelined.ts';

describe('SQLite group commit', () => {
  let dir: string;
  let store: SqliteVersionStore;
  const persistence = () => store.persistence as SqlitePersistence;
  /** A write of a ref change alone (no trie nodes or commits), as creating, moving or deleting a branch is. */
  const refWrite = (ref: RefUpdate, at = '') => persistence().write({ nodes: [], commits: [], ref, at });
  const key = (name: string): ContentKey => ({ elements: ['ns', name] });
  const put = (name: string, loc: string): Operation => ({
    type: 'PUT',
    key: key(name),
    content: { type: 'ICEBERG_TABLE', metadataLocation: loc, snapshotId: 1, schemaId: 0, specId: 0, sortOrderId: 0 },
  });

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-group-'));
    store = await SqliteVersionStore.open(path.join(dir, 'catalog.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lands concurrent commits on many branches in shared transactions, one winner per contested key', async () => {
    const root = (await store.getReference('main')).hash;
    const branches = Array.from({ length: 16 }, (_, i) => `b${i}`);
    for (const b of branches) await store.createReference(b, 'BRANCH', root);
    const before = store.groupCommitStats;

    // Per branch: two commits racing on the same key from the same expected head (one must lose), and one commit to
    // a key of its own (must land).
    const attempts = branches.flatMap((b) => [
      { b, key: 'hot', run: store.commit(b, root, { message: 'x' }, [put('hot', `${b}-x`)]) },
      { b, key: 'hot', run: store.commit(b, root, { message: 'y' }, [put('hot', `${b}-y`)]) },
      { b, key: 'own', run: store.commit(b, root, { message: 'own' }, [put(`own-${b}`, `${b}-own`)]) },
    ]);
    const settled = await Promise.allSettled(attempts.map((a) => a.run));

    for (const b of branches) {
      const mine = settled.filter((_, i) => attempts[i].b === b);
      const hot = mine.slice(0, 2);
      assert.equal(hot.filter((s) => s.status === 'fulfilled').length, 1, `one winner on ${b}`);
      const loser = hot.find((s) => s.status === 'rejected') as PromiseRejectedResult;
      assert.ok(loser.reason instanceof ReferenceConflictError);
      assert.equal(mine[2].status, 'fulfilled');
      const headHash = (await store.getReference(b)).hash;
      const own = await store.getContent(headHash, key(`own-${b}`));
      assert.equal(own && 'metadataLocation' in own ? own.metadataLocation : undefined, `${b}-own`);
      const hotContent = await store.getContent(headHash, key('hot'));
      assert.ok(hotContent && 'metadataLocation' in hotContent && hotContent.metadataLocation.startsWith(`${b}-`));
    }
    // Commits on different branches arrived together and shared transactions (fewer transactions than writes).
    const after = store.groupCommitStats;
    const writes = after.items - before.items;
    const transactions = after.transactions - before.transactions;
    assert.ok(writes >= branches.length * 2, `writes ${writes}`);
    assert.ok(transactions < writes / 2, `${writes} writes in ${transactions} transactions`);
  });

  it('plans commits again on the acknowledged head when the write they were planned on fails', async () => {
    const root = (await store.getReference('main')).hash;
    await store.createReference('other', 'BRANCH', root);
    const elsewhere = await store.commit('other', root, { message: 'elsewhere' }, [put('o', 'o-1')]);
    // Another writer of the same database moves main first (as a second server would): the first commit below was
    // planned on the old head and loses its compare-and-swap; the second was planned on the first, in the same
    // shared transaction, and must lose too (not trip over its missing parent) and plan again.
    const moved = refWrite(
      { kind: 'move', name: 'main', type: 'BRANCH', from: root, to: elsewhere.hash, operation: 'ASSIGN' },
      new Date().toISOString(),
    );
    const [a, b] = await Promise.all([
      store.commit('main', root, { message: 'a' }, [put('a', 'a-1')]),
      store.commit('main', root, { message: 'b' }, [put('b', 'b-1')]),
    ]);
    assert.equal(await moved, true);

    const head = (await store.getReference('main')).hash;
    const log = (await store.log(head, { maxRecords: 5 })).items.map((c) => c.message);
    assert.deepEqual(log.slice(2, 3), ['elsewhere']);
    assert.deepEqual(new Set(log.slice(0, 2)), new Set(['a', 'b']));
    assert.ok([a.hash, b.hash].includes(head));
    for (const k of ['o', 'a', 'b']) assert.ok(await store.getContent(head, key(k)), `${k} is on main`);
  });

  it('keeps the other writes of a shared transaction when one loses its compare-and-swap or fails', async () => {
    const p = persistence();
    const root = (await p.getRef('main'))!.head;
    const at = new Date().toISOString();
    const create = (name: string, head: string) => refWrite({ kind: 'create', name, type: 'BRANCH', head }, at);
    const before = p.group.stats.transactions;
    const results = await Promise.allSettled([
      create('a', root),
      // Lost compare-and-swap: main is not at this hash.
      refWrite({ kind: 'move', name: 'main', type: 'BRANCH', from: 'e'.repeat(64), to: root, operation: 'ASSIGN' }, at),
      // Fails inside its savepoint: the head names no commit (foreign key).
      create('broken', 'f'.repeat(64)),
      create('b', root),
    ]);
    assert.equal(p.group.stats.transactions - before, 1, 'all four shared one transaction');
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : 'error')),
      [true, false, 'error', true],
    );
    assert.deepEqual(
      (await p.listRefs()).map((r) => r.name),
      ['a', 'b', 'main'],
    );
    // Only the two applied writes left reflog lines.
    const log = await p.reflog({ beforeId: Number.MAX_SAFE_INTEGER, limit: 10 });
    assert.deepEqual(
      log.map((l) => l.refName).filter((n) => n !== 'main'),
      ['b', 'a'],
    );
  });

  it('writes nothing of a batch that lost its compare-and-swap, nor of one that failed, in a shared transaction', async () => {
    const p = persistence();
    const root = (await p.getRef('main'))!.head;
    const rootCommit = (await p.getCommit(root))!;
    const at = new Date().toISOString();
    // A commit on `root` with a trie node of its own: what a store commit hands to the persistence.
    const batch = (n: number, ref: (hash: string) => RefUpdate) => {
      const hash = `${n}`.repeat(64).slice(0, 64);
      const node = { id: `n${n}`.padEnd(64, '0'), body: `{"node":${n}}` };
      const commit = { ...rootCommit, hash, parents: [root], tree: node.id, generation: rootCommit.generation + 1 };
      return { hash, node, write: () => p.write({ nodes: [node], commits: [commit], ref: ref(hash), at }) };
    };
    const move = (from: string) => (to: string) =>
      ({ kind: 'move', name: 'main', type: 'BRANCH', from, to, operation: 'COMMIT' }) as const;
    const lands = batch(1, move(root));
    const lost = batch(2, move('e'.repeat(64))); // planned on a head main never had
    const failed = batch(3, (h) => ({ kind: 'create', name: 'x', type: 'BRANCH', head: h.replace(/./g, 'f') }));
    const results = await Promise.allSettled([lands.write(), lost.write(), failed.write()]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : 'error')),
      [true, false, 'error'],
    );
    assert.equal((await p.getRef('main'))!.head, lands.hash);
    assert.ok(await p.getCommit(lands.hash));
    assert.equal(await p.getNode(lands.node.id), lands.node.body);
    for (const gone of [lost, failed]) {
      assert.equal(await p.getCommit(gone.hash), undefined);
      assert.equal(await p.getNode(gone.node.id), undefined);
    }
  });

  it('writes every commit in a transaction of its own when grouping is off', async () => {
    const single = await SqliteVersionStore.open(path.join(dir, 'single.db'), { groupCommit: false });
    try {
      const root = (await single.getReference('main')).hash;
      const before = single.groupCommitStats;
      await Promise.all(['x', 'y', 'z'].map((b) => single.createReference(b, 'BRANCH', root)));
      const after = single.groupCommitStats;
      assert.deepEqual([after.transactions - before.transactions, after.items - before.items], [3, 3]);
    } finally {
      await single.close();
    }
  });

  it('answers a write, and shows its ref, only once the WAL holding it is fsynced; readers do not wait', async () => {
    const p = persistence();
    const root = (await p.getRef('main'))!.head;
    const create = refWrite({ kind: 'create', name: 'a', type: 'BRANCH', head: root });
    const move = refWrite({ kind: 'move', name: 'a', type: 'BRANCH', from: root, to: root, operation: 'ASSIGN' });
    let answered = 0;
    void create.then(() => answered++);
    void move.then(() => answered++);
    // Written and committed now (the transaction runs synchronously); its fsync runs on the thread pool.
    p.group.flush();
    assert.ok(p.db.prepare("SELECT 1 FROM refs WHERE name = 'a'").get(), 'committed');
    // A single ref is answered at once, as the last durable transaction left it: here, not there yet.
    assert.equal(await p.getRef('a'), undefined);
    // Listings wait for the fsync instead.
    let listed: string[] | undefined;
    const listing = p.listRefs().then((refs) => (listed = refs.map((r) => r.name)));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    assert.equal(answered, 0, 'not answered before its fsync');
    assert.equal(listed, undefined, 'not listed before its fsync');
    assert.deepEqual(await Promise.all([create, move]), [true, true]);
    assert.equal((await p.getRef('a'))?.head, root);
    await listing;
    assert.deepEqual(listed, ['a', 'main']);
  });

  it('shows a ref moved by a write in flight at its durable head until the write is answered', async () => {
    const p = persistence();
    const root = (await store.getReference('main')).hash;
    const first = await store.commit('main', root, { message: 'first' }, [put('t', 'm1')]);
    const back = refWrite({
      kind: 'move',
      name: 'main',
      type: 'BRANCH',
      from: first.hash,
      to: root,
      operation: 'ASSIGN',
    });
    // In the same group: a lone write would be fsynced in its COMMIT (below).
    const other = refWrite({ kind: 'create', name: 'o', type: 'BRANCH', head: root });
    p.group.flush();
    assert.equal((await store.getReference('main')).hash, first.hash, 'durable head while the move is fsynced');
    assert.deepEqual(await Promise.all([back, other]), [true, true]);
    assert.equal((await store.getReference('main')).hash, root);
  });

  it('fsyncs a lone write in its COMMIT when no fsync runs: shown as soon as it is written', async () => {
    const p = persistence();
    const root = (await p.getRef('main'))!.head;
    const lone = refWrite({ kind: 'create', name: 'l', type: 'BRANCH', head: root });
    p.group.flush();
    assert.equal((await p.getRef('l'))?.head, root);
    assert.deepEqual(
      (await p.listRefs()).map((r) => r.name),
      ['l', 'main'],
    );
    assert.equal(await lone, true);
  });

  it('writes the next group while the previous one waits for its fsync', async () => {
    const p = persistence();
    const root = (await p.getRef('main'))!.head;
    const create = (name: string) => refWrite({ kind: 'create', name, type: 'BRANCH', head: root });
    const before = p.group.stats.transactions;
    const first = Promise.all([create('a1'), create('a2')]);
    let firstAnswered = false;
    void first.then(() => (firstAnswered = true));
    p.group.flush();
    // Alone, but an fsync runs: written now, and made durable by the next fsync, off the event loop too.
    const second = create('b');
    p.group.flush();
    assert.equal(p.group.stats.transactions - before, 2);
    assert.equal(firstAnswered, false, 'written while the first group still waits for its fsync');
    assert.equal(await p.getRef('b'), undefined, 'not shown before its own fsync');
    assert.deepEqual(await Promise.all([first, second]), [[true, true], true]);
    assert.equal((await p.getRef('b'))?.head, root);
  });

  it('writes a lone commit in a transaction of its own, without waiting for company', async () => {
    const h = (await store.getReference('main')).hash;
    const before = store.groupCommitStats;
    await store.commit('main', h, { message: 'alone' }, [put('t', 'm1')]);
    const after = store.groupCommitStats;
    assert.deepEqual([after.transactions - before.transactions, after.items - before.items], [1, 1]);
    assert.notEqual((await store.getReference('main')).hash, h);
  });
});

describe('GroupCommit made durable off the event loop', () => {
  const applied: number[][] = [];
  const group = (durable: () => Promise<void>) =>
    new GroupCommit<number, number>(
      (items, each) => {
        applied.push(items);
        return items.map(each);
      },
      (n) => {
        if (n < 0) throw new Error(`item ${n} fails alone`);
        return n * 2;
      },
      true,
      durable,
    );

  it('answers each item of a group, its own failure included, only once the group is durable', async () => {
    let makeDurable!: () => void;
    const g = group(() => new Promise<void>((resolve) => (makeDurable = resolve)));
    const answers = Promise.allSettled([g.submit(1), g.submit(-1), g.submit(3)]);
    let answered = false;
    void answers.then(() => (answered = true));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(applied.at(-1), [1, -1, 3], 'written in one group');
    assert.equal(answered, false);
    makeDurable();
    const settled = await answers;
    assert.deepEqual(
      settled.map((a) => (a.status === 'fulfilled' ? a.value : (a.reason as Error).message)),
      [2, 'item -1 fails alone', 6],
    );
  });

  it('rejects every item of a group whose fsync failed: none of them may be answered as landed', async () => {
    const g = group(() => Promise.reject(new Error('fsync failed: EIO')));
    const settled = await Promise.allSettled([g.submit(1), g.submit(2)]);
    assert.deepEqual(
      settled.map((a) => a.status === 'rejected' && (a.reason as Error).message),
      ['fsync failed: EIO', 'fsync failed: EIO'],
    );
  });
});

describePipelinedCommitContract('SQLite', () => SqliteVersionStore.open(':memory:'));
