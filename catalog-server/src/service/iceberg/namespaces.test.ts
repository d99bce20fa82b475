import assert from 'node:assert/strict';
import { namespaceLocation } from './namespaces.ts';

describe('namespaceLocation', () => {
  const warehouse = { root: 'file:///wh' };

  it('is <warehouse>/<levels> for a namespace without a location property (what Trino stages creates under)', () => {
    assert.equal(namespaceLocation(warehouse, ['db', 'sales'], {}), 'file:///wh/db/sales');
  });

  it("uses the namespace's location property, without a trailing slash", () => {
    assert.equal(namespaceLocation(warehouse, ['db'], { location: 's3://b/custom//' }), 's3://b/custom');
  });

  it('turns each level into one safe path segment (no nesting through "/", no hidden folders)', () => {
    assert.equal(namespaceLocation(warehouse, ['a/b', '.x', 'ü'], {}), 'file:///wh/a_b/_x/_');
  });
});
