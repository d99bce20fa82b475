import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { DataTest, Model } from './model.ts';
import { auditTables, failuresTable, failureStore, testDefaultsOf, testIdentifier } from './stored-failures.ts';

const fail = (why: string): never => {
  throw new Error(why);
};

const model = (name: string, tests: DataTest[] = []): Model =>
  ({
    kind: 'sql',
    id: `silver.${name}`,
    layer: 'silver',
    name,
    file: `silver/${name}.sql`,
    sql: 'SELECT 1',
    sqlLine: 1,
    refs: [],
    unitTests: [],
    config: { materialized: 'table', uniqueKey: [], partitionBy: [], tests, docs: { columns: {} } },
  }) as unknown as Model;

describe("engine: dbt's store_failures", () => {
  it("names a test's table as dbt names the test", () => {
    const orders = model('orders');
    assert.equal(testIdentifier(orders, { kind: 'not_null', columns: ['order_id'] }), 'not_null_orders_order_id');
    assert.equal(
      testIdentifier(orders, { kind: 'accepted_values', column: 'status', values: ['placed', 'shipped'] }),
      'accepted_values_orders_status__placed__shipped',
    );
    assert.equal(
      testIdentifier(orders, { kind: 'relationships', column: 'customer_id', to: 'silver.customers', field: 'id' }),
      'relationships_orders_customer_id__id__ref_customers_',
    );
    assert.equal(
      testIdentifier(orders, {
        kind: 'generic',
        name: 'dbt_utils.accepted_range',
        column: 'amount',
        args: { min_value: 0 },
      }),
      'dbt_utils_accepted_range_orders_amount__0',
    );
    assert.equal(testIdentifier(orders, { kind: 'sql', name: 'No_Refunds', sql: '' }), 'no_refunds');
    // Past 63 characters: the test's and model's names cut to 30, and the whole name's MD5.
    const long = testIdentifier(orders, {
      kind: 'accepted_values',
      column: 'status',
      values: ['placed', 'shipped', 'completed', 'return_pending', 'returned'],
    });
    const full = 'accepted_values_orders_status__placed__shipped__completed__return_pending__returned';
    assert.equal(long, `accepted_values_orders_${createHash('md5').update(full).digest('hex')}`);
    const lengthy = model('orders_with_a_rather_long_name_indeed');
    assert.match(
      testIdentifier(lengthy, { kind: 'not_null', columns: ['a_column_with_a_long_name_too'] }),
      /^not_null_orders_with_a_rather__[0-9a-f]{32}$/,
    );
  });

  it('stores what the test, rat.yaml or the run says: the test over rat.yaml, the run over both', () => {
    const orders = model('orders');
    const notNull = (stored?: DataTest['stored']): DataTest => ({ kind: 'not_null', columns: ['id'], stored });
    assert.equal(failuresTable(orders, notNull()), undefined);
    assert.equal(failuresTable(orders, notNull({ store: true })), 'dbt_test__audit.not_null_orders_id');
    assert.equal(failuresTable(orders, notNull(), { store: true, schema: 'audit' }), 'audit.not_null_orders_id');
    assert.equal(failuresTable(orders, notNull({ store: false }), { store: true }), undefined);
    assert.equal(failuresTable(orders, notNull({ store: false }), { all: true }), 'dbt_test__audit.not_null_orders_id');
    assert.equal(failuresTable(orders, notNull({ store: true, as: 'ephemeral' })), undefined);
    assert.equal(failuresTable(orders, notNull({ store: true, alias: 'nulls', schema: 'qa' })), 'qa.nulls');
  });

  it("reads dbt's settings, and refuses a view and what is not a name", () => {
    assert.deepEqual(
      failureStore({ store_failures: true, store_failures_as: 'table', schema: 'QA', name: 'n' }, fail),
      {
        store: true,
        as: 'table',
        schema: 'qa',
        alias: 'n',
      },
    );
    assert.deepEqual(failureStore({ alias: 'a', name: 'n' }, fail), { alias: 'a' });
    assert.throws(() => failureStore({ store_failures: 'yes' }, fail), /store_failures must be true or false/);
    assert.throws(() => failureStore({ store_failures_as: 'view' }, fail), /view is not supported/);
    assert.throws(() => failureStore({ schema: 'a.b' }, fail), /schema must be a name/);
    assert.deepEqual(testDefaultsOf({ '+store_failures': true, schema: 'audit' }), { store: true, schema: 'audit' });
    assert.deepEqual(testDefaultsOf(undefined), {});
    assert.throws(() => testDefaultsOf({ '+severity': 'warn' }), /rat\.yaml: data_tests: severity is not supported/);
    assert.throws(() => testDefaultsOf({ '+alias': 'all' }), /data_tests: alias is not supported/);
    assert.throws(() => testDefaultsOf(['x']), /data_tests: must be a mapping/);
  });

  it("lists every test's table with the model whose tests write it, stored or not", () => {
    const orders = model('orders', [
      { kind: 'unique', columns: ['id'] },
      { kind: 'not_null', columns: ['id'], stored: { alias: 'nulls' } },
    ]);
    const tables = auditTables({ models: new Map([[orders.id, orders]]), testDefaults: { schema: 'audit' } });
    assert.deepEqual(
      [...tables],
      [
        ['audit.unique_orders_id', 'silver.orders'],
        ['audit.nulls', 'silver.orders'],
      ],
    );
  });
});
