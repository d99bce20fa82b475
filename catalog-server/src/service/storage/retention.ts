import { BadRequestError } from '../../errors/index.ts';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses a retention or grace period: `all` (undefined: keep everything), `0`, or a number with a unit `s`, `m`, `h`,
 * `d`, `w`.
 *
 * @example parseRetention('7d') // 604800000
 */
export function parseRetention(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'all') return undefined;
  if (t === '0') return 0;
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(t);
  if (!m) throw new BadRequestError(`"${text}" is not a duration: use e.g. 7d, 12h, 30m, 0 or all.`, { value: text });
  return Math.round(Number(m[1]) * UNITS[m[2]]);
}
