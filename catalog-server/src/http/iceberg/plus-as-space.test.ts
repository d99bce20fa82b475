import assert from 'node:assert/strict';
import { icebergPlusAsSpace } from './plus-as-space.ts';

describe('a + in an Iceberg path is a space, as Java clients encode it', () => {
  it('after /v1/ only: namespaces, tables and views; the ref and the query keep theirs', () => {
    assert.equal(icebergPlusAsSpace('/iceberg/v1/namespaces/sp+ace'), '/iceberg/v1/namespaces/sp%20ace');
    assert.equal(
      icebergPlusAsSpace('/iceberg/feat+x/v1/namespaces/a/tables/my+table?snapshots=a+b'),
      '/iceberg/feat+x/v1/namespaces/a/tables/my%20table?snapshots=a+b',
    );
    assert.equal(icebergPlusAsSpace('/iceberg/v1/namespaces/c%2Bplus'), '/iceberg/v1/namespaces/c%2Bplus');
    assert.equal(icebergPlusAsSpace('/api/v2/trees/a+b'), '/api/v2/trees/a+b');
    assert.equal(icebergPlusAsSpace('/iceberg/a+b'), '/iceberg/a+b');
  });
});
