import { isSeed, type Model } from './model.ts';

/*
 * A model's settings by dbt's names and in dbt's spellings, as dbt's templates read them (`config.get('unique_key')`)
 * and its selectors match them (`config.materialized:incremental`).
 */

/** dbt's name for a model's materialization: rat's `scd2` is a snapshot; a seed is a seed, a landing source a source. */
function materialized(m: Model): string {
  if (m.kind === 'source') return isSeed(m) ? 'seed' : 'source';
  return m.config.materialized === 'scd2' ? 'snapshot' : m.config.materialized;
}

/** dbt's `incremental_strategy` as rat reads the model's settings (merge and delete+insert both replace by key). */
function incrementalStrategy(m: Model): string | undefined {
  const c = m.config;
  if (m.kind !== 'sql' || c.materialized !== 'incremental') return undefined;
  if (c.microbatch) return 'microbatch';
  if (c.replacePartitions) return 'insert_overwrite';
  return c.uniqueKey.length ? 'merge' : 'append';
}

/** The keys of {@link dbtConfig}. */
export const DBT_CONFIG_KEYS = [
  'materialized',
  'incremental_strategy',
  'tags',
  'unique_key',
  'partition_by',
  'on_schema_change',
  'full_refresh',
  'event_time',
  'contract.enforced',
] as const;

/**
 * The model's settings by dbt's names (a key without a value is left out; `unique_key` is a list when it names several
 * columns, as written in dbt).
 *
 * @example dbtConfig(model) // { materialized: 'incremental', incremental_strategy: 'merge', unique_key: 'id', … }
 */
export function dbtConfig(m: Model): Partial<Record<(typeof DBT_CONFIG_KEYS)[number], unknown>> {
  const c = m.config;
  const key = c.uniqueKey.length > 1 ? c.uniqueKey : c.uniqueKey[0];
  const set = (k: string, v: unknown) => (v === undefined ? {} : { [k]: v });
  return {
    materialized: materialized(m),
    ...set('incremental_strategy', incrementalStrategy(m)),
    tags: c.tags ?? [],
    ...set('unique_key', key),
    ...set('partition_by', c.partitionBy.length ? c.partitionBy : undefined),
    on_schema_change: c.onSchemaChange,
    ...set('full_refresh', c.fullRefresh),
    ...set('event_time', c.eventTime),
    'contract.enforced': Boolean(c.contract),
  };
}
