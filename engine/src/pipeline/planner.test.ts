import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProject } from './loader.ts';
import { compileSql } from './compile.ts';
import { findRefs, splitHeader } from './sql-file.ts';
import { plan } from './planner.ts';
import { refreshesModel } from '../runner/full-refresh.ts';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-plan-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

describe('engine: pipeline loader and planner', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const mk = (files: Record<string, string>) => {
    const d = project(files);
    dirs.push(d);
    return loadProject(d);
  };
  const shop = {
    'bronze/orders.yml': 'source:\n  path: landing/orders/*.csv\n',
    'bronze/customers.yml': 'source:\n  path: landing/customers/*.json\n',
    'silver/orders.sql':
      "-- materialized: incremental\n-- unique_key: order_id\nSELECT * FROM {{ ref('bronze.orders') }}\n",
    'silver/customers.sql': 'SELECT * FROM bronze.customers',
    'gold/revenue.sql':
      "/* ---\nmaterialized: table\ntests:\n  - not_null: day\n--- */\nSELECT o.* FROM {{ ref('silver', 'orders') }} o JOIN silver.customers AS gold ON gold.id = o.id -- from gold.nothing\n",
  };

  it('finds refs in ref() calls and FROM/JOIN names, not in comments, strings or aliases', () => {
    const refs = findRefs(
      "SELECT 'from gold.x', gold.y FROM {{ ref('bronze.a') }}\nJOIN silver.b ON 1=1 -- from gold.z",
      3,
    );
    assert.deepEqual(refs, [
      { target: 'bronze.a', line: 3 },
      { target: 'silver.b', line: 4 },
    ]);
    assert.equal(
      compileSql("SELECT * FROM {{ ref('bronze.a') }}, {{ this }}", 'gold.t'),
      'SELECT * FROM "bronze"."a", "gold"."t"',
    );
  });

  it("counts dbt's source() as a ref", () => {
    assert.deepEqual(findRefs("SELECT * FROM {{ source('bronze', 'orders') }}", 3), [
      { target: 'bronze.orders', line: 3 },
    ]);
  });

  it('finds refs after a string literal of megabytes, escaped quotes included', () => {
    const literal = `'${"it''s ".repeat(10).padEnd(12_000_000, 'x')}'`;
    assert.deepEqual(findRefs(`SELECT ${literal} AS note\nFROM silver.orders`, 1), [
      { target: 'silver.orders', line: 2 },
    ]);
  });

  it('reads YAML config headers from a block comment or leading -- lines', () => {
    assert.deepEqual(splitHeader('-- materialized: scd2\n-- unique_key: id\nSELECT 1').header, {
      materialized: 'scd2',
      unique_key: 'id',
    });
    const p = mk(shop);
    const gold = p.models.get('gold.revenue')!;
    assert.equal(gold.config.tests[0].kind, 'not_null');
    assert.equal(p.models.get('silver.orders')!.config.materialized, 'incremental');
    assert.deepEqual(p.models.get('silver.orders')!.config.uniqueKey, ['order_id']);
  });

  it("selects dbt's tag:, tags adding up from rat.yaml, property files and the model's own", () => {
    const d = project({
      ...shop,
      'bronze/orders.yml': 'tags: [raw]\nsource:\n  path: landing/orders/*.csv\n',
      'silver/orders.sql': "{{ config(tags=['nightly']) }}\nSELECT * FROM {{ ref('bronze.orders') }}\n",
      'silver/schema.yml': 'version: 2\nmodels:\n  - name: customers\n    tags: [pii]\n    config: { tags: finance }\n',
    });
    dirs.push(d);
    const p = loadProject(d, d, {
      settings: { gold: { '+tags': ['nightly'] }, silver: { orders: { '+tags': 'core' } } },
    });
    const ids = (s: string) => plan(p, s).steps.map((m) => m.id);
    assert.deepEqual(p.models.get('silver.orders')!.config.tags, ['core', 'nightly']);
    assert.deepEqual(p.models.get('silver.customers')!.config.tags, ['pii', 'finance']);
    assert.deepEqual(ids('tag:nightly'), ['silver.orders', 'gold.revenue']);
    assert.deepEqual(ids('tag:raw+'), ['bronze.orders', 'silver.orders', 'gold.revenue']);
    assert.deepEqual(ids('tag:fin*'), ['silver.customers']);
    assert.throws(() => plan(p, 'tag:nothing'), { code: 'UNKNOWN_SELECTOR' });
  });

  it('orders steps by dependencies and applies selectors', () => {
    const p = mk(shop);
    const ids = (s?: string) => plan(p, s).steps.map((m) => m.id);
    const all = ids();
    assert.ok(all.indexOf('bronze.orders') < all.indexOf('silver.orders'));
    assert.ok(all.indexOf('silver.customers') < all.indexOf('gold.revenue'));
    assert.deepEqual(ids('silver.orders'), ['silver.orders']);
    assert.deepEqual(plan(p, 'silver.orders').external, ['bronze.orders']);
    assert.deepEqual(ids('+gold.revenue').sort(), all.slice().sort());
    assert.deepEqual(ids('bronze.*'), ['bronze.customers', 'bronze.orders']);
    assert.deepEqual(ids('bronze.orders+'), ['bronze.orders', 'silver.orders', 'gold.revenue']);
    assert.throws(() => plan(p, 'nope.x'), { code: 'UNKNOWN_SELECTOR' });
    // dbt's selection by a model's name alone, in any layer.
    assert.deepEqual(ids('revenue+'), ['gold.revenue']);
    assert.deepEqual(ids('+revenue').sort(), all.slice().sort());
    assert.throws(() => plan(p, 'nope'), { code: 'UNKNOWN_SELECTOR' });
  });

  it('state:modified selects the models the state names, with + for up- and downstream; nothing changed is no error', () => {
    const p = mk(shop);
    const ids = (sel: string, modified: string[]) =>
      plan(p, sel, { state: { modified: new Set(modified) } }).steps.map((m) => m.id);
    assert.deepEqual(ids('state:modified', ['silver.orders']), ['silver.orders']);
    assert.deepEqual(ids('state:modified+', ['silver.orders']), ['silver.orders', 'gold.revenue']);
    assert.deepEqual(ids('+state:modified', ['silver.orders']), ['bronze.orders', 'silver.orders']);
    assert.deepEqual(ids('state:modified bronze.customers', ['silver.orders']), ['bronze.customers', 'silver.orders']);
    assert.deepEqual(ids('state:modified+', []), []);
    assert.throws(
      () => plan(p, 'state:modified+'),
      (err: Error & { code?: string }) => err.code === 'UNKNOWN_SELECTOR' && /needs a baseline/.test(err.message),
    );
  });

  it('--exclude leaves out what its terms select, from the selection or from every model', () => {
    const p = mk(shop);
    const ids = (sel: string | undefined, exclude: string) => plan(p, sel, { exclude }).steps.map((m) => m.id);
    assert.deepEqual(ids(undefined, 'gold'), [
      'bronze.customers',
      'bronze.orders',
      'silver.customers',
      'silver.orders',
    ]);
    assert.deepEqual(ids('+gold.revenue', 'bronze.orders+'), ['bronze.customers', 'silver.customers']);
    assert.deepEqual(ids('silver.orders+', 'gold.revenue'), ['silver.orders']);
    const modified = { modified: new Set(['silver.orders']) };
    assert.deepEqual(
      plan(p, 'bronze.orders+', { state: modified, exclude: 'state:modified+' }).steps.map((m) => m.id),
      ['bronze.orders'],
    );
    assert.throws(
      () => ids(undefined, 'gold.nothing'),
      (err: Error & { code?: string }) => err.code === 'UNKNOWN_SELECTOR',
    );
  });

  it('reports unknown refs with file and line', () => {
    const p = mk({ 'silver/a.sql': "SELECT 1\nFROM {{ ref('bronze.missing') }}" });
    assert.throws(
      () => plan(p),
      (err: { code: string; data: { file: string; line: number } }) => {
        assert.equal(err.code, 'UNKNOWN_REF');
        assert.deepEqual(err.data.file, path.join('silver', 'a.sql'));
        assert.equal(err.data.line, 2);
        return true;
      },
    );
  });

  it('reports cycles with file and line', () => {
    const p = mk({
      'silver/a.sql': "SELECT * FROM {{ ref('silver.b') }}",
      'silver/b.sql': "-- materialized: table\nSELECT *\nFROM {{ ref('silver.a') }}",
    });
    assert.throws(
      () => plan(p),
      (err: { code: string; data: { file: string; line: number } }) => {
        assert.equal(err.code, 'CYCLE');
        assert.equal(err.data.file, path.join('silver', 'a.sql'));
        assert.equal(err.data.line, 1);
        return true;
      },
    );
  });

  it('reads full_refresh on incremental models and sources; --full-refresh takes those whose own setting allows', () => {
    const p = mk({
      'bronze/orders.yml': 'source:\n  path: landing/orders/*.csv\n',
      'bronze/huge.yml': 'full_refresh: false\nsource:\n  path: landing/huge/*.parquet\n',
      'silver/inc.sql': "-- materialized: incremental\nSELECT * FROM {{ ref('bronze.orders') }}",
      'silver/never.sql':
        "-- materialized: incremental\n-- full_refresh: false\nSELECT * FROM {{ ref('bronze.orders') }}",
      'silver/always.sql':
        "-- materialized: incremental\n-- full_refresh: true\nSELECT * FROM {{ ref('bronze.orders') }}",
      'silver/tbl.sql': "SELECT * FROM {{ ref('bronze.orders') }}",
      'silver/hist.sql': "-- materialized: scd2\n-- unique_key: id\nSELECT * FROM {{ ref('bronze.orders') }}",
    });
    const m = (id: string) => p.models.get(id)!;
    const refreshed = (asked: Parameters<typeof refreshesModel>[1]) =>
      [...p.models.keys()].filter((id) => refreshesModel(m(id), asked)).sort();
    assert.deepEqual(refreshed(undefined), ['silver.always']);
    assert.deepEqual(refreshed(false), ['silver.always']);
    assert.deepEqual(refreshed(true), ['bronze.orders', 'silver.always', 'silver.inc']);
    assert.deepEqual(refreshed(['silver.never', 'silver.inc', 'silver.tbl', 'bronze.huge']), [
      'silver.always',
      'silver.inc',
    ]);
    for (const [file, text, why] of [
      ['silver/a.sql', '-- full_refresh: yes\n-- materialized: incremental\nSELECT 1', /must be true or false/],
      ['silver/a.sql', '-- full_refresh: false\nSELECT 1', /incremental models only/],
      ['silver/a.sql', '-- materialized: scd2\n-- unique_key: id\n-- full_refresh: false\nSELECT 1', /scd2/],
      ['bronze/a.yml', 'full_refresh: maybe\nsource:\n  path: x/*.csv\n', /must be true or false/],
    ] as const) {
      assert.throws(
        () => mk({ [file]: text }),
        (err: Error & { code?: string; data?: { file: string } }) =>
          err.code === 'PIPELINE_INVALID' && why.test(err.message) && err.data?.file === path.join(...file.split('/')),
      );
    }
  });

  it("reads a model's description and its columns' descriptions, as dbt's list or as a mapping", () => {
    const p = mk({
      'bronze/orders.yml':
        'description: Orders as they land\nsource:\n  path: landing/orders/*.csv\ncolumns:\n  id: BIGINT\n',
      'silver/a.sql':
        "/* ---\ndescription: ' Cleaned '\ncolumns:\n  - name: id\n    description: The id\n  - name: x\n--- */\nSELECT 1",
      'silver/b.sql': '/* ---\ncolumns:\n  id: The id\n  n: { description: A count }\n--- */\nSELECT 1',
    });
    assert.deepEqual(p.models.get('bronze.orders')!.config.docs, { description: 'Orders as they land', columns: {} });
    assert.deepEqual(p.models.get('silver.a')!.config.docs, { description: 'Cleaned', columns: { id: 'The id' } });
    assert.deepEqual(p.models.get('silver.b')!.config.docs, { columns: { id: 'The id', n: 'A count' } });
  });

  it('a folder without models is NO_PIPELINES, not an empty plan', () => {
    assert.throws(
      () => plan(mk({ 'README.md': 'no layers here' })),
      (err: Error & { code?: string }) => err.code === 'NO_PIPELINES',
    );
  });
});
