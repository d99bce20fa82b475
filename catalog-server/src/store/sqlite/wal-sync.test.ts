import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WalSync } from './wal-sync.ts';

/** An fsync the test finishes by hand: each call waits in `calls` until `finish` answers it. */
function heldFsync() {
  const calls: Array<(err: NodeJS.ErrnoException | null) => void> = [];
  return {
    calls,
    fsync: (_fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void calls.push(done),
    finish(i: number, err: NodeJS.ErrnoException | null = null) {
      calls[i]!(err);
    },
  };
}

const turns = () => new Promise((r) => setImmediate(r));

describe('WalSync', () => {
  let dir: string;
  let wal: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rat-wal-sync-'));
    wal = path.join(dir, 'catalog.db-wal');
    writeFileSync(wal, 'frames');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fsyncs the file for real', async () => {
    const sync = new WalSync(wal);
    await sync.sync();
    assert.equal(sync.pending(), undefined);
    assert.equal(sync.stats.fsyncs, 1);
    assert.ok(sync.stats.seconds > 0);
    await sync.close();
  });

  it('answers calls made while an fsync runs with the next one, which they share', async () => {
    const held = heldFsync();
    const sync = new WalSync(wal, held.fsync);
    const order: string[] = [];
    const first = sync.sync().then(() => order.push('first'));
    // These arrive while the first fsync runs, which may have started before their transactions were written.
    const second = sync.sync().then(() => order.push('second'));
    const third = sync.sync().then(() => order.push('third'));
    assert.equal(held.calls.length, 1);
    assert.equal(sync.idle(), false);
    held.finish(0);
    await first;
    await turns();
    assert.deepEqual(order, ['first']);
    assert.equal(held.calls.length, 2, 'one more fsync for the two calls that waited');
    assert.ok(sync.pending(), 'a reader waits while it runs');
    held.finish(1);
    await Promise.all([second, third]);
    assert.deepEqual(order, ['first', 'second', 'third']);
    assert.equal(sync.pending(), undefined);
    assert.equal(sync.idle(), true);
    assert.equal(held.calls.length, 2);
  });

  it('makes a failed fsync final: waiting, later and reading callers all get it', async () => {
    const held = heldFsync();
    const sync = new WalSync(wal, held.fsync);
    const first = sync.sync();
    const waiting = sync.sync();
    held.finish(0, Object.assign(new Error('I/O error'), { code: 'EIO' }));
    await assert.rejects(first, /could not be made durable \(fsync of .*catalog\.db-wal: EIO\).*restart the server/);
    await assert.rejects(waiting, /EIO/);
    await assert.rejects(sync.sync(), /EIO/);
    await assert.rejects(sync.pending()!, /EIO/);
    assert.equal(held.calls.length, 1, 'nothing is fsynced again after a failure');
    assert.equal(sync.idle(), false, 'never idle again: a lone write must not be answered by a COMMIT of its own');
    await sync.close();
  });

  it('fails when the file is missing rather than answering without an fsync', async () => {
    const sync = new WalSync(path.join(dir, 'missing-wal'));
    await assert.rejects(sync.sync(), /ENOENT/);
  });
});
