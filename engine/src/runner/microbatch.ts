import { ident } from '../sql/sql-runner.ts';
import type { ModelConfig } from '../pipeline/model.ts';
import { parseBatchTime } from '../pipeline/incremental-strategy.ts';
import type { CompiledSql } from '../pipeline/compile.ts';

/*
 * dbt's microbatch incremental strategy: a model is built in batches of its event time (hours, days, months or
 * years), each rendered with its inputs read in the batch's window, and the rows of the run's windows replaced.
 */

type Microbatch = NonNullable<ModelConfig['microbatch']>;

/** One batch: its event times from `start` (included) to `end` (excluded), UTC. */
export interface BatchWindow {
  start: Date;
  end: Date;
}

/** More batches than one run builds: an hourly model begun years ago is backfilled in parts (`--event-time-start`). */
export const MAX_BATCHES = 10_000;

/** The start of the batch `t` falls in. */
export function batchStart(t: Date, size: Microbatch['batchSize']): Date {
  const d = new Date(t);
  if (size === 'year') d.setUTCMonth(0, 1);
  if (size === 'year' || size === 'month') d.setUTCDate(1);
  if (size !== 'hour') d.setUTCHours(0, 0, 0, 0);
  else d.setUTCMinutes(0, 0, 0);
  return d;
}

/** `t` moved by `n` batches. */
export function addBatches(t: Date, size: Microbatch['batchSize'], n: number): Date {
  const d = new Date(t);
  if (size === 'hour') d.setUTCHours(d.getUTCHours() + n);
  else if (size === 'day') d.setUTCDate(d.getUTCDate() + n);
  else if (size === 'month') d.setUTCMonth(d.getUTCMonth() + n);
  else d.setUTCFullYear(d.getUTCFullYear() + n);
  return d;
}

/**
 * The batches a run builds: from `lookback` batches before the current one (from `begin` when the table is new or
 * refreshed in full) to the current one, or the batches `from` / `to` cover (dbt's `--event-time-start` /
 * `--event-time-end`, a backfill).
 *
 * @example batchWindows({ batchSize: 'day', begin: '2024-01-01', lookback: 1 }, { now: new Date('2024-03-05T10:00Z'), fresh: false }) // 03-04 and 03-05
 */
export function batchWindows(
  config: Microbatch,
  o: { now: Date; fresh: boolean; from?: Date; to?: Date },
): BatchWindow[] {
  const size = config.batchSize;
  const current = batchStart(o.now, size);
  const start = batchStart(
    o.from ?? (o.fresh ? parseBatchTime(config.begin)! : addBatches(current, size, -config.lookback)),
    size,
  );
  const end = o.to ?? addBatches(current, size, 1);
  const out: BatchWindow[] = [];
  for (let s = start; s < end; s = addBatches(s, size, 1)) {
    out.push({ start: s, end: addBatches(s, size, 1) < end ? addBatches(s, size, 1) : end });
    if (out.length > MAX_BATCHES) break;
  }
  return out;
}

/** A time as DuckDB's timestamp literal. */
export const timestampLiteral = (t: Date) => `TIMESTAMP '${t.toISOString().slice(0, 19).replace('T', ' ')}'`;

/** The condition an input's (or the model's own) rows meet in a window of `column`. */
export function windowCondition(column: string, w: BatchWindow): string {
  return `${ident(column)} >= ${timestampLiteral(w.start)} AND ${ident(column)} < ${timestampLiteral(w.end)}`;
}

/** Where the batches of a run go. */
export interface MicrobatchRun {
  /** Every batch's SELECT, read as one; an error DuckDB reports is placed in the model's file through the first's. */
  compiled: CompiledSql;
  /** The run's windows together: the rows of the model's event time in them are replaced. */
  window: { column: string; start: string; end: string };
  /** How many batches. */
  batches: number;
}

/**
 * The batches of `windows` (at least one) rendered by `render` (given, for each input that has an event time, the
 * condition its rows are read under), as one SELECT; and the window of the model's `eventTime` whose rows they
 * replace.
 */
export async function microbatchSql(
  windows: readonly BatchWindow[],
  eventTime: string,
  inputTimes: ReadonlyMap<string, string>,
  render: (refFilters: ReadonlyMap<string, string>) => Promise<CompiledSql>,
): Promise<MicrobatchRun> {
  const parts: string[] = [];
  let first: CompiledSql | undefined;
  const open = 'SELECT * FROM (';
  for (const w of windows) {
    const filters = new Map([...inputTimes].map(([id, column]) => [id, windowCondition(column, w)]));
    const c = await render(filters);
    first ??= c;
    // A batch writes the rows of its own window only: one outside it would sit beside the rows it should replace.
    parts.push(`${open}${c.sql}) AS b WHERE ${windowCondition(eventTime, w)}`);
  }
  const sql = parts.join('\nUNION ALL BY NAME\n');
  return {
    compiled: { ...first!, sql, sourceOffset: (offset) => first!.sourceOffset(Math.max(0, offset - open.length)) },
    window: {
      column: eventTime,
      start: timestampLiteral(windows[0]!.start),
      end: timestampLiteral(windows.at(-1)!.end),
    },
    batches: windows.length,
  };
}
