import assert from 'node:assert/strict';
import { parseJson } from '@ratatouille/iceberg';
import { loadTableResultText, TableMetadataTextCache } from './load-table-body.ts';

describe('loadTable bodies: serialized metadata cache', () => {
  it('drops the least recently used entries past its byte budget', () => {
    const cache = new TableMetadataTextCache(40);
    const v = (n: number) => ({ json: 'x'.repeat(n), tableLocation: 'file:///t' });
    cache.put('a', v(10));
    cache.put('b', v(10));
    assert.ok(cache.get('a')); // a is now the most recent
    cache.put('c', v(10));
    cache.put('d', v(10));
    cache.put('e', v(5));
    assert.equal(cache.get('b'), undefined);
    assert.ok(cache.get('a') && cache.get('c') && cache.get('d') && cache.get('e'));
    cache.put('big', v(11)); // over a quarter of the budget: not kept
    assert.equal(cache.get('big'), undefined);
  });

  it('builds the same LoadTableResult members around cached metadata text, ids exact', () => {
    const text = loadTableResultText(
      'file:///w/t/metadata/1.json',
      '{"current-snapshot-id":3051729675574597004}',
      { a: 'b' },
      [{ prefix: 's3://b/t', config: { k: 'v' } }],
    );
    assert.deepEqual(parseJson(text), {
      'metadata-location': 'file:///w/t/metadata/1.json',
      metadata: { 'current-snapshot-id': 3051729675574597004n },
      config: { a: 'b' },
      'storage-credentials': [{ prefix: 's3://b/t', config: { k: 'v' } }],
    });
    assert.equal(
      Object.keys(parseJson(loadTableResultText('l', '{}', {}, [])) as object).join(),
      'metadata-location,metadata,config',
    );
  });
});
