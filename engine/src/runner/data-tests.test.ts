import assert from 'node:assert/strict';
import type { Model } from '../pipeline/model.ts';
import { jinjaArgument, testName, testSql } from './data-tests.ts';

describe("engine: a project's own generic tests as SQL", () => {
  const model = { id: 'silver.orders' } as Model;
  const macros = [
    {
      file: 'macros/tests.sql',
      text: '{% test within(model, column_name, low, high, to) %}SELECT * FROM {{ model }} WHERE {{ column_name }} NOT BETWEEN {{ low }} AND {{ high }} AND x NOT IN (SELECT y FROM {{ to }}){% endtest %}',
    },
  ];

  it('calls the test block with model, column_name and the arguments, the model under where', () => {
    const t = {
      kind: 'generic' as const,
      name: 'within',
      column: 'qty',
      args: { low: 1, high: 10, to: "ref('gold.t')" },
      where: "status <> 'x'",
    };
    assert.equal(testName(t), 'within(qty)');
    assert.equal(
      testSql(model, t, {}, macros),
      `SELECT * FROM (SELECT * FROM "silver"."orders" WHERE status <> 'x') AS dbt_subquery WHERE qty NOT BETWEEN 1 AND 10 AND x NOT IN (SELECT y FROM "gold"."t")`,
    );
  });

  it("writes YAML's values as Jinja literals, and a ref() text as the call", () => {
    assert.equal(jinjaArgument('it\'s "x"'), '"it\'s \\"x\\""');
    assert.equal(jinjaArgument([1, true, null, { a: 'b' }]), '[1, true, none, {"a": "b"}]');
    assert.equal(jinjaArgument(" source('raw', 'orders') "), "source('raw', 'orders')");
    assert.equal(jinjaArgument(new Date('2024-01-01T00:00:00Z')), '"2024-01-01"');
  });
});
