/**
 * rat.yaml's `models:` (dbt_project.yml's `models:` with `+` settings) with the real CLI, a real server and a real
 * git repository: a layer's settings apply to its SQL models beneath each model's own (its property file's, its
 * header's); a wrong setting or a model the layer lacks names rat.yaml.
 */
import assert from 'node:assert/strict';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import { useEventsProject } from './support/events-project.ts';

describe("engine: rat.yaml's models: settings for a layer and a model (real CLI, git, server)", function () {
  this.timeout(600_000);
  const p = useEventsProject('1,1.5,2024-01-01 10:00:00\n2,2.5,2024-01-02 10:00:00\n');
  const ratYaml = (models: string) =>
    p.write('rat.yaml', `catalog:\n  url: ${p.server.url}\npipelines: .\nmodels:\n${models}`);
  const operation = async (branch: string, table: string) => {
    const md = (await new IcebergRestClient({ server: p.server.url, ref: branch }).loadTable({
      namespace: ['silver'],
      name: table,
    }))!.metadata;
    return md.snapshots.find((s) => s['snapshot-id'] === md['current-snapshot-id'])!.summary.operation;
  };

  before(() => {
    p.write('silver/events.sql', "SELECT * FROM {{ ref('bronze.events') }}\n");
    p.write('silver/kept.sql', "/* ---\nmaterialized: table\n--- */\nSELECT * FROM {{ ref('bronze.events') }}\n");
    ratYaml('  silver:\n    +materialized: incremental\n    +watermark: id\n    events:\n      +full_refresh: false\n');
    const { git } = p;
    git('init', '-q', '-b', 'settings');
    git('add', '.');
    git('commit', '-q', '-m', 'events');
  });

  it("applies the layer's and the model's settings beneath the model's own header", async () => {
    assert.equal((await p.rat('run')).code, 0);
    p.write('landing/b.csv', 'id,amount,ts\n3,3.5,2024-01-03 10:00:00\n');
    const r = await p.rat('run');
    assert.equal(r.code, 0, r.out);
    // silver.events is incremental with a watermark (the layer's settings): the second run appends the new row.
    assert.equal(await operation('settings', 'events'), 'append');
    // silver.kept's header says table: it is replaced on every run.
    assert.equal(await operation('settings', 'kept'), 'overwrite');
    // The model's own setting (full_refresh: false) keeps it incremental under --full-refresh: the new row is
    // appended, where a refresh would overwrite the table.
    p.write('landing/c.csv', 'id,amount,ts\n4,4.5,2024-01-04 10:00:00\n');
    const refresh = await p.rat('run', '--full-refresh', '--json');
    assert.equal(refresh.code, 0, refresh.out);
    assert.equal(await operation('settings', 'events'), 'append');
  });

  it('a setting no model takes, or a model the layer lacks, is PIPELINE_INVALID naming rat.yaml', async () => {
    const error = async () => {
      const r = await p.rat('run', '--json');
      assert.equal(r.code, 1, r.out);
      return JSON.parse(r.stdout).error as { code: string; message: string; data: { file: string } };
    };
    ratYaml('  silver:\n    +materialized: view\n');
    const wrong = await error();
    assert.equal(wrong.code, 'PIPELINE_INVALID');
    assert.equal(wrong.data.file, 'rat.yaml');
    assert.match(wrong.message, /^rat\.yaml: models settings of silver\.events: materialized must be table/);
    ratYaml('  silver:\n    evnts:\n      +materialized: table\n');
    assert.match((await error()).message, /rat\.yaml: models\.silver\.evnts: silver has no model or folder evnts/);
    ratYaml('  silvr:\n    +materialized: table\n');
    assert.match((await error()).message, /models\.silvr: not a layer/);
  });

  it("rat.yaml's runs.compact compacts after every run; --no-compact skips it for one", async () => {
    p.write('rat.yaml', `catalog:\n  url: ${p.server.url}\npipelines: .\nruns:\n  compact: true\n`);
    const run = async (...args: string[]) => {
      const r = await p.rat('run', '--json', ...args);
      assert.equal(r.code, 0, r.out);
      return JSON.parse(r.stdout) as { compactions?: Array<{ table: string; status: string }> };
    };
    const compacted = await run();
    assert.deepEqual(
      compacted.compactions?.map((c) => c.table),
      ['bronze.events', 'silver.events', 'silver.kept'],
    );
    assert.equal((await run('--no-compact')).compactions, undefined);
  });

  it("models in a layer's sub-folders take their folder's settings; a folder selects them, state:modified follows its settings", async () => {
    p.write('silver/staging/stripe/stg_payments.sql', "SELECT id, amount FROM {{ ref('bronze.events') }}\n");
    p.write('gold/marts/revenue.sql', "SELECT sum(amount) AS total FROM {{ ref('stg_payments') }}\n");
    ratYaml('  silver:\n    staging:\n      +materialized: incremental\n      +watermark: id\n');
    p.git('add', '.');
    p.git('commit', '-q', '-m', 'staging');
    const dry = await p.rat('run', 'staging+', '--dry-run', '--json');
    assert.equal(dry.code, 0, dry.out);
    const steps = (JSON.parse(dry.stdout) as { steps: Array<{ id: string }> }).steps.map((s) => s.id);
    assert.deepEqual(steps, ['silver.stg_payments', 'gold.revenue']);
    assert.equal((await p.rat('run', 'staging+')).code, 0);
    p.write('landing/d.csv', 'id,amount,ts\n5,5.5,2024-01-05 10:00:00\n');
    const again = await p.rat('run', 'path:silver/staging');
    assert.equal(again.code, 0, again.out);
    // The folder's settings make it incremental by its watermark: the second run appends the new row.
    assert.equal(await operation('settings', 'stg_payments'), 'append');
    // A changed folder setting in rat.yaml modifies the models under the folder, and only those.
    p.git('add', '.');
    p.git('commit', '-q', '-m', 'a landing file');
    ratYaml('  silver:\n    staging:\n      +materialized: table\n');
    const modified = await p.rat('run', '-s', 'state:modified', '--state', 'HEAD', '--dry-run', '--json');
    assert.equal(modified.code, 0, modified.out);
    assert.deepEqual(
      (JSON.parse(modified.stdout) as { steps: Array<{ id: string }> }).steps.map((s) => s.id),
      ['silver.stg_payments'],
    );
  });
});
