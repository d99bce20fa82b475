import { InvalidArgumentError } from 'commander';

const AGO = /^(\d+)\s*(m|min|h|d|w)$/;
const UNIT_MS: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A `--since` / `--until` value as an ISO time: a date or time (`2026-12-01`, `2026-12-01T08:00:00Z`) or a span back
 * from `now` (`30m`, `12h`, `7d`, `2w`). A commander parser: anything else is a usage error naming the option.
 *
 * @example pointInTime('7d', Date.parse('2026-12-08T00:00:00Z')) // '2026-12-01T00:00:00.000Z'
 */
export function pointInTime(value: string, now = Date.now()): string {
  const ago = AGO.exec(value.trim());
  if (ago) return new Date(now - Number(ago[1]) * UNIT_MS[ago[2]!]!).toISOString();
  const at = Date.parse(value);
  if (Number.isNaN(at))
    throw new InvalidArgumentError(
      'Give a date or time (2026-12-01, 2026-12-01T08:00:00Z) or a span back (30m, 12h, 7d, 2w).',
    );
  return new Date(at).toISOString();
}
