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

  it("applies a folder's settings to the models under it, the deeper folder's over the shallower's", () => {
    const p = projectSettings({
      silver: {
        '+materialized': 'incremental',
        staging: {
          '+materialized': 'table',
          '+tags': ['staging'],
          stripe: { '+tags': ['stripe'], stg_payments: { '+unique_key': 'id' } },
          stg_orders: { '+full_refresh': false },
        },
      },
    });
    assert.deepEqual(settingsFor(p, 'silver', 'stg_payments', ['staging', 'stripe']), {
      materialized: 'table',
      tags: ['staging', 'stripe'],
      unique_key: 'id',
    });
    assert.deepEqual(settingsFor(p, 'silver', 'stg_orders', ['staging']), {
      materialized: 'table',
      tags: ['staging'],
      full_refresh: false,
    });
    // A model's key applies at its own folder only, as dbt matches a model's path.
    assert.deepEqual(settingsFor(p, 'silver', 'stg_orders', []), { materialized: 'incremental' });
    assert.deepEqual(settingsFor(p, 'silver', 'orders', ['marts']), { materialized: 'incremental' });
  });

  it('refuses names that are not layers, and folders or models the layer lacks', () => {
    assert.throws(
      () => projectSettings({ silvr: {} }),
      /rat\.yaml: models\.silvr: not a layer \(bronze, silver, gold\)/,
    );
    assert.throws(() => projectSettings({ silver: 'table' }), /models\.silver: must be a mapping/);
    assert.throws(
      () => projectSettings({ silver: { orders: { materialized: 'table' } } }),
      /models\.silver\.orders\.materialized: must be a mapping of \+settings and names \(a setting is written with a \+\)/,
    );
    const files = [
      { folders: [], name: 'orders' },
      { folders: ['staging', 'stripe'], name: 'stg_payments' },
    ];
    const check = (silver: unknown) => checkSettingsNameModels(projectSettings({ silver }), 'silver', files);
    check({ orders: { '+materialized': 'table' }, staging: { stripe: { stg_payments: {} } } });
    assert.throws(
      () => check({ ordrs: { '+materialized': 'table' } }),
      /models\.silver\.ordrs: silver has no model or folder ordrs \(no silver\/ordrs\.sql, no silver\/ordrs\/\)/,
    );
    assert.throws(
      () => check({ staging: { stg_payments: {} } }),
      /models\.silver\.staging\.stg_payments: silver has no model or folder staging\/stg_payments/,
    );
    assert.throws(
      () => check({ orders: { x: {} } }),
      /models\.silver\.orders\.x: silver has no model or folder orders\/x/,
    );
    checkSettingsNameModels(projectSettings({ silver: { orders: {} } }), 'gold', []);
  });
});
