import type { Freshness } from './model.ts';
import type { PropertyContext, Raw } from './property-tests.ts';
import { isRaw } from './property-tests.ts';

const PERIOD_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * A source table's freshness from dbt's settings, the table's over its source's (`freshness: null` on a table turns
 * the source's off): `loaded_at_field` with `freshness: { warn_after: { count: 12, period: hour }, error_after: …,
 * filter }`. Undefined when none applies; a threshold not in dbt's shape is `PIPELINE_INVALID` at its line.
 *
 * @example sourceFreshness({ loaded_at_field: '_loaded_at', freshness: { error_after: { count: 1, period: day } } }, {}, 'raw.orders', 3, ctx)
 *   // { loadedAtField: '_loaded_at', errorAfterMs: 86400000 }
 */
export function sourceFreshness(
  table: Raw,
  source: Raw,
  where: string,
  line: number,
  ctx: PropertyContext,
): Freshness | undefined {
  const raw = 'freshness' in table ? table.freshness : source.freshness;
  if (raw === undefined || raw === null) return undefined;
  if (!isRaw(raw)) return ctx.fail(line, `${where}: freshness must be a mapping (warn_after, error_after, filter)`);
  const field = table.loaded_at_field ?? source.loaded_at_field;
  if (field !== undefined && (typeof field !== 'string' || !field.trim())) {
    return ctx.fail(line, `${where}: loaded_at_field must name a column`);
  }
  const after = (key: 'warn_after' | 'error_after'): number | undefined => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    const count = isRaw(v) ? v.count : undefined;
    const period = isRaw(v) ? PERIOD_MS[String(v.period)] : undefined;
    if (typeof count !== 'number' || !(count > 0) || period === undefined) {
      return ctx.fail(line, `${where}: freshness.${key} must be { count: <number>, period: minute | hour | day }`);
    }
    return count * period;
  };
  for (const key of Object.keys(raw)) {
    if (!['warn_after', 'error_after', 'filter'].includes(key))
      ctx.fail(line, `${where}: freshness.${key} is not supported`);
  }
  const warnAfterMs = after('warn_after');
  const errorAfterMs = after('error_after');
  if (warnAfterMs === undefined && errorAfterMs === undefined) return undefined;
  if (raw.filter !== undefined && typeof raw.filter !== 'string') {
    ctx.fail(line, `${where}: freshness.filter must be SQL text`);
  }
  if (raw.filter !== undefined && field === undefined) {
    ctx.fail(line, `${where}: freshness.filter needs loaded_at_field (the table's last write has no rows to filter)`);
  }
  return {
    ...(field === undefined ? {} : { loadedAtField: (field as string).trim() }),
    ...(warnAfterMs === undefined ? {} : { warnAfterMs }),
    ...(errorAfterMs === undefined ? {} : { errorAfterMs }),
    ...(typeof raw.filter === 'string' && raw.filter.trim() ? { filter: raw.filter.trim() } : {}),
  };
}
