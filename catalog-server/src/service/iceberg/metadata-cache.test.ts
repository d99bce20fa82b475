import assert from 'node:assert/strict';
import { MetadataCache } from './metadata-cache.ts';

describe('metadata text cache', () => {
  it('returns what was put, evicts least recently used past its byte budget', () => {
    const cache = new MetadataCache(40);
    cache.put('s3://b/t/metadata/1.json', 'a'.repeat(10));
    cache.put('s3://b/t/metadata/2.json', 'b'.repeat(10));
    assert.equal(cache.get('s3://b/t/metadata/1.json'), 'a'.repeat(10)); // 1 is now the most recent
    cache.put('s3://b/t/metadata/3.json', 'c'.repeat(10));
    cache.put('s3://b/t/metadata/4.json', 'd'.repeat(10));
    cache.put('s3://b/t/metadata/5.json', 'e'.repeat(5));
    assert.equal(cache.get('s3://b/t/metadata/2.json'), undefined);
    assert.equal(cache.get('s3://b/t/metadata/1.json'), 'a'.repeat(10));
  });

  it('forgets one file (purge and GC delete file by file) and nothing beside it', () => {
    const cache = new MetadataCache();
    cache.put('file:///w/db/t/metadata/1.json', 'x');
    cache.put('file:///w/db/t2/metadata/1.json', 'y');
    cache.forget('file:///w/db/t/metadata/1.json');
    assert.equal(cache.get('file:///w/db/t/metadata/1.json'), undefined);
    assert.equal(cache.get('file:///w/db/t2/metadata/1.json'), 'y');
  });

  it('does not keep a file larger than a quarter of its budget', () => {
    const cache = new MetadataCache(100);
    cache.put('big', 'z'.repeat(30));
    assert.equal(cache.get('big'), undefined);
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
