import assert from 'node:assert/strict';
import { parseUnitTests } from './unit-tests.ts';

describe('engine: unit_tests in a model header', () => {
  const parse = (raw: unknown) => parseUnitTests(raw, 'silver.orders', 'silver/orders.sql', 1);

  it("reads dbt's shape: inputs by ref('…'), ref('layer', 'name'), this or a name; expect as rows or { rows }", () => {
    const [t] = parse([
      {
        name: 'a',
        given: [
          { input: "ref('bronze.orders')", rows: [{ id: 1 }] },
          { input: "ref('bronze', 'customers')", rows: [] },
          { input: 'this', rows: [{ id: 0 }] },
          { input: 'silver.products' },
        ],
        expect: { rows: [{ id: 1 }] },
      },
    ]);
    assert.deepEqual(t, {
      name: 'a',
      given: [
        { input: 'bronze.orders', rows: [{ id: 1 }] },
        { input: 'bronze.customers', rows: [] },
        { input: 'silver.orders', rows: [{ id: 0 }] },
        { input: 'silver.products', rows: [] },
      ],
      expect: [{ id: 1 }],
      incremental: false,
    });
    assert.deepEqual(parse([{ name: 'b', expect: [] }]), [{ name: 'b', given: [], expect: [], incremental: false }]);
    // dbt's override renders the model's is_incremental() branch.
    const [inc] = parse([{ name: 'c', overrides: { macros: { is_incremental: true } }, expect: [] }]);
    assert.equal(inc!.incremental, true);
    assert.deepEqual(parse(undefined), []);
  });

  it('says what is wrong, with the file and line', () => {
    const wrong: Array<[unknown, RegExp]> = [
      [{ name: 'x' }, /must be a list/],
      [[{ given: [] }], /needs a name/],
      [
        [{ name: 'x', expect: [], overrides: { macros: { is_incremental: 'yes' } } }],
        /is_incremental must be true or false/,
      ],
      [
        [
          { name: 'x', expect: [] },
          { name: 'x', expect: [] },
        ],
        /x is defined twice/,
      ],
      [[{ name: 'x' }], /expect is required/],
      [[{ name: 'x', given: [{ input: 'orders' }], expect: [] }], /input: ref/],
      [
        [{ name: 'x', given: [{ input: 'bronze.a', rows: [1] }], expect: [] }],
        /rows of bronze\.a must be a list of rows/,
      ],
      [[{ name: 'x', expect: { rows: 'no' } }], /expect must be a list of rows/],
    ];
    for (const [raw, why] of wrong) {
      assert.throws(
        () => parse(raw),
        (err: Error & { code?: string }) =>
          err.code === 'PIPELINE_INVALID' &&
          /^silver\/orders\.sql:1: unit_tests: /.test(err.message) &&
          why.test(err.message),
        String(why),
      );
    }
  });
});
