import assert from 'node:assert/strict';
import type { TestedTable } from './model.ts';
import { runsUnitTests, testTypeTerms, withTestTypes } from './test-types.ts';

describe("engine: dbt's test_type: selector method", () => {
  it('takes the test_type: terms out of a selector, and refuses a type dbt does not have', () => {
    assert.deepEqual(testTypeTerms('test_type:unit silver.orders+'), { types: ['unit'], selector: 'silver.orders+' });
    assert.deepEqual(testTypeTerms('test_type:generic test_type:singular'), { types: ['generic', 'singular'] });
    assert.deepEqual(testTypeTerms('tag:nightly'), { selector: 'tag:nightly' });
    assert.deepEqual(testTypeTerms(undefined), {});
    assert.throws(() => testTypeTerms('test_type:smoke'), /test_type:smoke is not a test type/);
  });

  it('keeps the data tests of the types named, and says whether unit tests run', () => {
    const t: TestedTable = {
      id: 'silver.orders',
      name: 'orders',
      file: 'silver/orders.sql',
      config: {
        tests: [
          { kind: 'unique', columns: ['id'] },
          { kind: 'sql', name: 'no_refunds', sql: 'SELECT 1' },
        ],
      },
    };
    const kinds = (types?: Parameters<typeof withTestTypes>[1]) =>
      withTestTypes(t, types).config.tests.map((x) => x.kind);
    assert.deepEqual(kinds(), ['unique', 'sql']);
    assert.deepEqual(kinds(['data']), ['unique', 'sql']);
    assert.deepEqual(kinds(['generic']), ['unique']);
    assert.deepEqual(kinds(['singular']), ['sql']);
    assert.deepEqual(kinds(['unit']), []);
    assert.equal(runsUnitTests(undefined), true);
    assert.equal(runsUnitTests(['data']), false);
  });
});
