import assert from 'node:assert/strict';
import { parseJson } from '@ratatouille/iceberg';
import { loadTableResultBytes } from './load-table-body.ts';

describe('loadTable bodies around cached metadata bytes', () => {
  it('builds the same LoadTableResult members around cached metadata bytes, ids exact', () => {
    const text = loadTableResultBytes(
      'file:///w/t/metadata/1.json',
      Buffer.from('{"current-snapshot-id":3051729675574597004}'),
      { a: 'b' },
      [{ prefix: 's3://b/t', config: { k: 'v' } }],
    );
    assert.deepEqual(parseJson(text.toString()), {
      'metadata-location': 'file:///w/t/metadata/1.json',
      metadata: { 'current-snapshot-id': 3051729675574597004n },
      config: { a: 'b' },
      'storage-credentials': [{ prefix: 's3://b/t', config: { k: 'v' } }],
    });
    assert.equal(
      Object.keys(parseJson(loadTableResultBytes('l', Buffer.from('{}'), {}, []).toString()) as object).join(),
      'metadata-location,metadata,config',
    );
  });
});
