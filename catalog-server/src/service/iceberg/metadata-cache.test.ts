import assert from 'node:assert/strict';
import { MetadataCache } from './metadata-cache.ts';

describe('metadata file cache', () => {
  it('returns what was put, evicts least recently used past its byte budget', () => {
    const cache = new MetadataCache(40);
    cache.put('s3://b/t/metadata/1.json', Buffer.from('a'.repeat(10)));
    cache.put('s3://b/t/metadata/2.json', Buffer.from('b'.repeat(10)));
    assert.equal(cache.get('s3://b/t/metadata/1.json')?.toString(), 'a'.repeat(10)); // 1 is now the most recent
    cache.put('s3://b/t/metadata/3.json', Buffer.from('c'.repeat(10)));
    cache.put('s3://b/t/metadata/4.json', Buffer.from('d'.repeat(10)));
    cache.put('s3://b/t/metadata/5.json', Buffer.from('e'.repeat(5)));
    assert.equal(cache.get('s3://b/t/metadata/2.json'), undefined);
    assert.equal(cache.get('s3://b/t/metadata/1.json')?.toString(), 'a'.repeat(10));
  });

  it('forgets one file (purge and GC delete file by file) and nothing beside it', () => {
    const cache = new MetadataCache();
    cache.put('file:///w/db/t/metadata/1.json', Buffer.from('x'));
    cache.put('file:///w/db/t2/metadata/1.json', Buffer.from('y'));
    cache.forget('file:///w/db/t/metadata/1.json');
    assert.equal(cache.get('file:///w/db/t/metadata/1.json'), undefined);
    assert.equal(cache.get('file:///w/db/t2/metadata/1.json')?.toString(), 'y');
  });

  it('does not keep a file larger than a quarter of its budget', () => {
    const cache = new MetadataCache(100);
    cache.put('big', Buffer.from('z'.repeat(30)));
    assert.equal(cache.get('big'), undefined);
  });
});

describe('serialized metadata cache (loadTable answers)', () => {
  it('keeps each variant of a file, drops least recently used files past a quarter of its budget, forgets with the file', () => {
    const cache = new MetadataCache(160); // 40 bytes of serialized answers
    const v = (n: number) => ({
      bytes: Buffer.from('x'.repeat(n)),
      tableLocation: 'file:///w/t',
      tableProperties: {},
      etag: '"e"',
    });
    cache.putSerialized('a', 'all', v(5));
    cache.putSerialized('a', 'refs', v(5));
    cache.putSerialized('b', 'all', v(10));
    assert.ok(cache.getSerialized('a', 'all')); // a is now the most recent
    cache.putSerialized('c', 'all', v(10));
    cache.putSerialized('d', 'all', v(10));
    cache.putSerialized('e', 'all', v(5));
    assert.equal(cache.getSerialized('b', 'all'), undefined);
    assert.ok(cache.getSerialized('a', 'refs') && cache.getSerialized('c', 'all') && cache.getSerialized('d', 'all'));
    assert.equal(cache.getSerialized('a', 'other'), undefined);
    cache.forget('a'); // the server deleted the file: no answer built from it is served again
    assert.equal(cache.getSerialized('a', 'all'), undefined);
    assert.equal(cache.getSerialized('a', 'refs'), undefined);
    cache.putSerialized('big', 'all', v(11)); // over a quarter of the serialized budget: not kept
    assert.equal(cache.getSerialized('big', 'all'), undefined);
  });
});

describe('parsed metadata cache', () => {
  it('hands out copies, so a caller changing its object never changes the cache', () => {
    const cache = new MetadataCache();
    cache.putParsed('loc', { snapshots: [{ id: 1n }] });
    const a = cache.getParsed<{ snapshots: Array<{ id: bigint }> }>('loc')!;
    a.snapshots.push({ id: 2n });
    assert.deepEqual(cache.getParsed('loc'), { snapshots: [{ id: 1n }] });
    cache.forget('loc');
    assert.equal(cache.getParsed('loc'), undefined);
  });
});

describe('metadata existence checks', () => {
  it('a check stands in for later ones made after it, not for ones before; a forgotten file is unverified', () => {
    const cache = new MetadataCache();
    cache.markVerified('s3://b/t/metadata/1.json', 1_000);
    assert.equal(cache.verifiedSince('s3://b/t/metadata/1.json', 1_000), true);
    assert.equal(cache.verifiedSince('s3://b/t/metadata/1.json', 1_001), false);
    assert.equal(cache.verifiedSince('s3://b/t/metadata/2.json', 0), false);
    cache.forget('s3://b/t/metadata/1.json');
    assert.equal(cache.verifiedSince('s3://b/t/metadata/1.json', 0), false);
  });

  it('keeps the most recently confirmed files past its limit', () => {
    const cache = new MetadataCache(undefined, 2);
    cache.markVerified('a', 1);
    cache.markVerified('b', 2);
    cache.markVerified('a', 3);
    cache.markVerified('c', 4);
    assert.equal(cache.verifiedSince('b', 0), false);
    assert.equal(cache.verifiedSince('a', 0), true);
    assert.equal(cache.verifiedSince('c', 0), true);
  });
});
