import assert from 'node:assert/strict';
import { checkSettingsNameModels, projectSettings, settingsFor } from './project-settings.ts';

describe("engine: rat.yaml's models: settings (dbt_project.yml's)", () => {
  it("gives a model its own settings over its layer's over every model's", () => {
    const p = projectSettings({
      '+on_schema_change': 'append_new_columns',
      silver: { '+materialized': 'incremental', orders: { '+unique_key': 'order_id', '+materialized': 'table' } },
      gold: { '+contract': { enforced: true } },
    });
    assert.deepEqual(settingsFor(p, 'silver', 'orders'), {
      on_schema_change: 'append_new_columns',
      materialized: 'table',
      unique_key: 'order_id',
    });
    assert.deepEqual(settingsFor(p, 'silver', 'customers'), {
      on_schema_change: 'append_new_columns',
      materialized: 'incremental',
    });
    assert.deepEqual(settingsFor(p, 'gold', 'x'), {
      on_schema_change: 'append_new_columns',
      contract: { enforced: true },
    });
    assert.deepEqual(settingsFor(projectSettings(undefined), 'bronze', 'x'), {});
  });

  it('refuses names that are not layers, nesting below a model and models the layer lacks', () => {
    assert.throws(
      () => projectSettings({ silvr: {} }),
      /rat\.yaml: models\.silvr: not a layer \(bronze, silver, gold\)/,
    );
    assert.throws(() => projectSettings({ silver: 'table' }), /models\.silver: must be a mapping/);
    assert.throws(
      () => projectSettings({ silver: { orders: { x: {} } } }),
      /models\.silver\.orders\.x: a model takes \+settings only/,
    );
    const p = projectSettings({ silver: { ordrs: { '+materialized': 'table' } } });
    assert.throws(
      () => checkSettingsNameModels(p, 'silver', new Set(['orders'])),
      /models\.silver\.ordrs: silver has no model ordrs/,
    );
    checkSettingsNameModels(p, 'gold', new Set());
  });
});
