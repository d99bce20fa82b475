import assert from 'node:assert/strict';
import { snapshotBlocks, snapshotLayer } from './snapshots.ts';
import { useProjectFolder } from '../testing/project-folder.ts';
import { loadProject } from './loader.ts';

describe("engine: dbt's snapshots (snapshots/ folder)", () => {
  it('reads each {% snapshot %} block with its SELECT and lines; refuses anything else in the file', () => {
    const text = [
      '{# customers as they were #}',
      '{% snapshot customers_history %}',
      "{{ config(unique_key='id', strategy='check', check_cols='all') }}",
      "SELECT * FROM {{ source('bronze', 'customers') }}",
      '{% endsnapshot %}',
      '',
      '{%- snapshot orders_history -%}',
      'SELECT 1 AS id {%- endsnapshot %}',
    ].join('\n');
    const blocks = snapshotBlocks(text, 'snapshots/s.sql');
    assert.deepEqual(
      blocks.map((b) => [b.name, b.line, b.sqlLine, b.sql.trim().split('\n').length]),
      [
        ['customers_history', 2, 2, 2],
        ['orders_history', 7, 8, 1],
      ],
    );
    const bad = (t: string, line: number, why: RegExp) =>
      assert.throws(
        () => snapshotBlocks(t, 'snapshots/b.sql'),
        (err: Error & { data?: { line: number } }) => err.data?.line === line && why.test(err.message),
      );
    bad('SELECT 1', 1, /holds \{% snapshot name %\} … \{% endsnapshot %\} blocks only/);
    bad('{% snapshot a %}\nSELECT 1\n', 1, /\{% snapshot a %\} without its \{% endsnapshot %\}/);
    bad('\n{% endsnapshot %}', 2, /without its \{% snapshot %\}/);
    bad('{% snapshot a %}{% snapshot b %}{% endsnapshot %}', 1, /inside \{% snapshot a %\}/);
    assert.equal(snapshotLayer({ target_schema: 'snapshots' }), 'silver');
    assert.equal(snapshotLayer({ schema: 'gold' }), 'gold');
  });

  describe('in a project', () => {
    const folder = useProjectFolder({
      'bronze/customers.yml': 'source:\n  path: landing/*.csv\n',
      'snapshots/customers.sql':
        "{% snapshot customers_history %}\n{{ config(target_schema='snapshots', unique_key='id', strategy='timestamp', updated_at='updated_at') }}\nSELECT * FROM {{ ref('customers') }}\n{% endsnapshot %}\n",
    });

    it('is an scd2 model of its layer, dated in dbt columns, reading its refs', () => {
      const m = loadProject(folder.dir).models.get('silver.customers_history');
      assert.ok(m && m.kind === 'sql');
      assert.equal(m.file, 'snapshots/customers.sql');
      assert.equal(m.config.materialized, 'scd2');
      assert.deepEqual(m.config.uniqueKey, ['id']);
      assert.equal(m.config.updatedAt, 'updated_at');
      assert.deepEqual(m.config.history, {
        validFrom: 'dbt_valid_from',
        validTo: 'dbt_valid_to',
        isDeleted: 'dbt_is_deleted',
        scdId: 'dbt_scd_id',
        updatedAt: 'dbt_updated_at',
      });
      assert.deepEqual(
        m.refs.map((r) => [r.target, r.line]),
        [['bronze.customers', 3]],
      );
    });

    it("takes a snapshots: entry's description, tests and config beneath the block's", () => {
      folder.write(
        'snapshots/properties.yml',
        [
          'version: 2',
          'snapshots:',
          '  - name: customers_history',
          '    description: Every version of a customer',
          '    config: { check_cols: [name], target_schema: gold }',
          '    columns:',
          '      - name: dbt_valid_from',
          '        data_tests: [not_null]',
          '',
        ].join('\n'),
      );
      // The block's target_schema (snapshots: no layer, so silver) wins over the entry's.
      const m = loadProject(folder.dir).models.get('silver.customers_history');
      assert.ok(m && m.kind === 'sql');
      assert.equal(m.config.docs.description, 'Every version of a customer');
      assert.deepEqual(m.config.checkCols, ['name']);
      assert.equal(m.config.updatedAt, 'updated_at', "the block's own config wins");
      assert.deepEqual(
        m.config.tests.map((t) => t.kind),
        ['not_null'],
      );
      assert.deepEqual(m.propertyFiles, ['snapshots/properties.yml']);
      folder.write('snapshots/properties.yml', 'version: 2\nsnapshots:\n  - name: nothing\n');
      assert.throws(
        () => loadProject(folder.dir),
        /snapshots\/properties\.yml:3: snapshot nothing: there is no \{% snapshot nothing %\} block/,
      );
    });
  });
});
