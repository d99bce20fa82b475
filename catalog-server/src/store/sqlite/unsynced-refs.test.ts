import assert from 'node:assert/strict';
import { UnsyncedRefs } from './unsynced-refs.ts';

const ref = (name: string, head: string) => ({ name, type: 'BRANCH' as const, head });

describe('UnsyncedRefs', () => {
  it('shows nothing of its own for a ref no transaction in flight changed', () => {
    const refs = new UnsyncedRefs();
    assert.equal(refs.shown('main'), undefined);
  });

  it('shows each ref as the last durable transaction left it, in commit order', () => {
    const refs = new UnsyncedRefs();
    refs.begin();
    refs.changed('main', ref('main', 'h0'), ref('main', 'h1'));
    refs.changed('feat', null, ref('feat', 'h0'));
    const first = refs.seal();
    refs.begin();
    refs.changed('main', ref('main', 'h1'), ref('main', 'h2'));
    refs.changed('old', ref('old', 'h9'), null);
    const second = refs.seal();

    assert.deepEqual(refs.shown('main'), ref('main', 'h0'));
    assert.equal(refs.shown('feat'), null, 'created in flight: not there yet');
    assert.deepEqual(refs.shown('old'), ref('old', 'h9'), 'deleted in flight: still there');

    refs.durable(first);
    assert.deepEqual(refs.shown('main'), ref('main', 'h1'));
    assert.equal(refs.shown('feat'), undefined, 'durable: read the database');
    assert.deepEqual(refs.shown('old'), ref('old', 'h9'));

    refs.durable(second);
    for (const name of ['main', 'feat', 'old']) assert.equal(refs.shown(name), undefined);
  });

  it('forgets the changes of a transaction that did not commit', () => {
    const refs = new UnsyncedRefs();
    refs.begin();
    refs.changed('main', ref('main', 'h0'), ref('main', 'h1'));
    // Rolled back as a whole: never sealed.
    refs.begin();
    refs.changed('feat', null, ref('feat', 'h0'));
    const id = refs.seal();
    assert.equal(refs.shown('main'), undefined);
    assert.equal(refs.shown('feat'), null);
    refs.durable(id);
    assert.equal(refs.shown('feat'), undefined);
  });

  it('hands out copies', () => {
    const refs = new UnsyncedRefs();
    refs.begin();
    refs.changed('main', ref('main', 'h0'), ref('main', 'h1'));
    refs.seal();
    refs.shown('main')!.head = 'tampered';
    assert.equal(refs.shown('main')!.head, 'h0');
  });
});
