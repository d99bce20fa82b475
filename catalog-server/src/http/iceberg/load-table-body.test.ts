import assert from 'node:assert/strict';
import { parseJson } from '@ratatouille/iceberg';
import { loadTableResultText } from './load-table-body.ts';

describe('loadTable bodies around cached metadata text', () => {
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
