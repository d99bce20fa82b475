import assert from 'node:assert/strict';
import { namespaceLocation, splitRemovals } from './namespaces.ts';

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

describe('splitRemovals', () => {
  it('answers each requested key once, as removed or missing', () => {
    assert.deepEqual(splitRemovals({ a: '1', b: '2' }, ['a', 'a', 'x', 'b', 'x']), {
      removed: ['a', 'b'],
      missing: ['x'],
    });
    assert.deepEqual(splitRemovals({}, []), { removed: [], missing: [] });
  });
});
