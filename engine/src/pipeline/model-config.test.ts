import assert from 'node:assert/strict';
import { overSettings, parseConfig } from './model-config.ts';

const parse = (raw: Record<string, unknown>) => parseConfig(raw, 'silver/t.sql', 2, {});

describe("engine: a model's settings with dbt's names", () => {
  it("checks dbt's incremental_strategy against what the engine does", () => {
    assert.equal(parse({ materialized: 'incremental', incremental_strategy: 'append' }).materialized, 'incremental');
    parse({ materialized: 'incremental', unique_key: 'id', incremental_strategy: 'merge' });
    parse({ materialized: 'incremental', unique_key: 'id', incremental_strategy: 'delete+insert' });
    assert.throws(
      () => parse({ materialized: 'incremental', unique_key: 'id', incremental_strategy: 'append' }),
      /silver\/t\.sql:2: incremental_strategy append: appends rows without looking at unique_key/,
    );
    assert.throws(
      () => parse({ materialized: 'incremental', incremental_strategy: 'merge' }),
      /which the model does not set/,
    );
    assert.equal(
      parse({ materialized: 'incremental', incremental_strategy: 'insert_overwrite' }).replacePartitions,
      true,
    );
    assert.equal(parse({ materialized: 'incremental' }).replacePartitions, undefined);
    assert.throws(
      () => parse({ materialized: 'incremental', unique_key: 'id', incremental_strategy: 'insert_overwrite' }),
      /insert_overwrite: replaces whole partitions without looking at unique_key/,
    );
    assert.throws(
      () => parse({ materialized: 'incremental', incremental_strategy: 'microbatch' }),
      /microbatch: needs event_time/,
    );
    const mb = {
      materialized: 'incremental',
      incremental_strategy: 'microbatch',
      event_time: 'ts',
      begin: '2024-01-01',
    };
    assert.deepEqual(parse({ ...mb, batch_size: 'day' }).microbatch, {
      batchSize: 'day',
      begin: '2024-01-01',
      lookback: 1,
    });
    assert.throws(() => parse({ ...mb, batch_size: 'week' }), /batch_size must be hour, day, month, year/);
    assert.throws(() => parse({ ...mb, batch_size: 'day', begin: 'soon' }), /needs begin/);
    assert.throws(() => parse({ ...mb, batch_size: 'day', lookback: -1 }), /lookback must be a whole number/);
    assert.throws(() => parse({ ...mb, batch_size: 'day', event_time: 'a b' }), /event_time must be a column name/);
    assert.throws(
      () => parse({ materialized: 'incremental', incremental_strategy: 'snapshot' }),
      /snapshot: is not supported: use append .* or microbatch/,
    );
  });

  it("reads dbt snapshots' strategy and check_cols: all on scd2 models", () => {
    const scd2 = { materialized: 'scd2', unique_key: 'id' };
    assert.equal(parse({ ...scd2, strategy: 'check', check_cols: 'all' }).checkCols, undefined);
    assert.deepEqual(parse({ ...scd2, strategy: 'check', check_cols: ['a', 'b'] }).checkCols, ['a', 'b']);
    assert.equal(parse({ ...scd2, strategy: 'timestamp', updated_at: 'changed_at' }).updatedAt, 'changed_at');
    assert.throws(() => parse({ ...scd2, strategy: 'timestamp' }), /strategy timestamp: needs updated_at/);
    assert.throws(() => parse({ ...scd2, strategy: 'newest' }), /must be timestamp \(with updated_at\) or check/);
  });

  it("reads a header test's severity: warn", () => {
    const tests = parse({ tests: [{ unique: { columns: ['id'], severity: 'warn' } }, { not_null: 'id' }] }).tests;
    assert.deepEqual(tests, [
      { kind: 'unique', columns: ['id'], where: undefined, severity: 'warn' },
      { kind: 'not_null', columns: ['id'], where: undefined },
    ]);
    assert.throws(
      () => parse({ tests: [{ unique: { columns: ['id'], severity: 'fatal' } }] }),
      /severity must be warn/,
    );
  });

  it("refuses dbt's view with what to use instead", () => {
    assert.throws(() => parse({ materialized: 'view' }), /use table, or ephemeral for logic read inside the models/);
  });

  it("refuses dbt's hooks, and reads snapshot_meta_column_names and hard deletes on scd2 models", () => {
    assert.throws(() => parse({ 'post-hook': 'GRANT SELECT ON {{ this }} TO bi' }), /post-hook is not run/);
    assert.throws(() => parse({ pre_hook: ['SET x = 1'] }), /pre_hook is not run/);
    const scd2 = { materialized: 'scd2', unique_key: 'id' };
    assert.deepEqual(parse({ ...scd2, snapshot_meta_column_names: { dbt_valid_to: 'ended_at' } }).history, {
      validFrom: 'valid_from',
      validTo: 'ended_at',
    });
    assert.equal(parse(scd2).history, undefined);
    assert.deepEqual(
      parse({ ...scd2, snapshot_meta_column_names: { dbt_scd_id: 'version_id', dbt_updated_at: 'changed_at' } })
        .history,
      { validFrom: 'valid_from', validTo: 'valid_to', scdId: 'version_id', updatedAt: 'changed_at' },
    );
    assert.throws(
      () => parse({ ...scd2, snapshot_meta_column_names: { dbt_row_id: 'x' } }),
      /dbt_row_id is not a column the engine writes \(dbt_valid_from, dbt_valid_to, dbt_is_deleted, dbt_scd_id, dbt_updated_at\)/,
    );
    assert.throws(
      () => parse({ ...scd2, snapshot_meta_column_names: { dbt_valid_from: 'a', dbt_valid_to: 'a' } }),
      /each column needs a name of its own/,
    );
    assert.throws(
      () => parse({ ...scd2, snapshot_meta_column_names: { dbt_scd_id: 'Valid_From' } }),
      /each column needs a name of its own/,
    );
    assert.equal(parse({ ...scd2, hard_deletes: 'new_record' }).hardDeletes, 'new_record');
    assert.equal(parse({ ...scd2, invalidate_hard_deletes: true }).hardDeletes, 'invalidate');
    assert.equal(parse({ ...scd2, hard_deletes: 'ignore', invalidate_hard_deletes: false }).hardDeletes, undefined);
    assert.throws(
      () => parse({ ...scd2, hard_deletes: 'purge' }),
      /hard_deletes must be ignore, invalidate or new_record/,
    );
    assert.equal(parse({ ...scd2, snapshot_meta_column_names: { dbt_is_deleted: 'gone' } }).history?.isDeleted, 'gone');
    // A snapshot that renames one of dbt's columns keeps dbt's names for the others.
    assert.deepEqual(
      overSettings(
        { snapshot_meta_column_names: { dbt_valid_from: 'dbt_valid_from', dbt_scd_id: 'dbt_scd_id' } },
        { snapshot_meta_column_names: { dbt_valid_from: 'started_at' } },
      ),
      { snapshot_meta_column_names: { dbt_valid_from: 'started_at', dbt_scd_id: 'dbt_scd_id' } },
    );
  });
});
