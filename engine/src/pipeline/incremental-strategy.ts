import { PipelineError, type ModelConfig } from './model.ts';

/*
 * An incremental model's strategy as dbt's config names it (`incremental_strategy`), and the settings of dbt's
 * microbatch strategy (`event_time`, `batch_size`, `begin`, `lookback`), read for `parseConfig`.
 */

/**
 * dbt's `incremental_strategy`, for models moved over from dbt: the engine appends a model without `unique_key`,
 * upserts one with it (rows replaced by key: dbt's `merge` and `delete+insert` alike), with `insert_overwrite`
 * replaces the partitions a run's rows fall in, and with `microbatch` the time windows of its batches; a strategy that
 * says otherwise is refused rather than run differently. The strategy, when it is one of the last two.
 */
export function checkIncrementalStrategy(
  v: unknown,
  uniqueKey: string[],
  file: string,
  line: number,
): 'insert_overwrite' | 'microbatch' | undefined {
  if (v === undefined || v === null) return undefined;
  const fail = (why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: incremental_strategy ${String(v)}: ${why}`, {
      file,
      line,
    });
  };
  if (v === 'append' || v === 'insert_overwrite' || v === 'microbatch') {
    if (uniqueKey.length) {
      const what = {
        append: 'appends rows',
        insert_overwrite: 'replaces whole partitions',
        microbatch: 'replaces time windows',
      };
      fail(`${what[v]} without looking at unique_key; remove one of them`);
    }
    return v === 'append' ? undefined : v;
  }
  if (v === 'merge' || v === 'delete+insert') {
    if (!uniqueKey.length) fail('replaces rows by unique_key, which the model does not set');
    return undefined;
  }
  return fail(
    'is not supported: use append (no unique_key), merge / delete+insert (rows replaced by unique_key), insert_overwrite (partitions replaced) or microbatch (time windows replaced)',
  );
}

const IDENTIFIER = /^[A-Za-z_][\w$]*$/;

/** dbt's `event_time`: the column that dates a model's rows, by which microbatch models read it in windows. */
export function parseEventTime(v: unknown, file: string, line: number): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !IDENTIFIER.test(v)) {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: event_time must be a column name`, { file, line });
  }
  return v;
}

/**
 * A date or datetime as written for a microbatch (`begin`, `--event-time-start`): `2024-01-01`, `2024-01-01 10:00`,
 * UTC.
 *
 * @example parseBatchTime('2024-01-01 10:00') // 2024-01-01T10:00:00.000Z
 */
export function parseBatchTime(text: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2})(:\d{2})?)?Z?$/.exec(text.trim());
  if (!m) return undefined;
  const d = new Date(`${m[1]}T${m[2] ?? '00:00'}${m[3] ?? ':00'}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The sizes of a microbatch's batches (dbt's `batch_size`). */
export const BATCH_SIZES = ['hour', 'day', 'month', 'year'] as const;

/**
 * dbt's microbatch settings: `event_time` (the model's own column that the windows replace), `batch_size`, `begin`
 * (where the first run starts) and `lookback` (batches before the current one a run builds again, default 1).
 */
export function parseMicrobatch(
  raw: Record<string, unknown>,
  eventTime: string | undefined,
  file: string,
  line: number,
): NonNullable<ModelConfig['microbatch']> {
  const fail = (why: string): never => {
    throw new PipelineError('PIPELINE_INVALID', `${file}:${line}: incremental_strategy microbatch: ${why}`, {
      file,
      line,
    });
  };
  if (!eventTime) fail('needs event_time, the column that dates the rows');
  const size = raw.batch_size;
  if (!BATCH_SIZES.includes(size as (typeof BATCH_SIZES)[number])) fail(`batch_size must be ${BATCH_SIZES.join(', ')}`);
  const begin = raw.begin instanceof Date ? raw.begin.toISOString().slice(0, 19) : raw.begin;
  if (typeof begin !== 'string' || !parseBatchTime(begin)) {
    fail("needs begin, the date (or date and time) the first run starts from: '2024-01-01'");
  }
  const lookback = raw.lookback ?? 1;
  if (!Number.isInteger(lookback) || (lookback as number) < 0)
    fail('lookback must be a whole number of batches (default 1)');
  return { batchSize: size as (typeof BATCH_SIZES)[number], begin: begin as string, lookback: lookback as number };
}
