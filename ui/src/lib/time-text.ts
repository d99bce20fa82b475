/**
 * A time from the catalog as ISO-8601 text. Snapshot times come from whichever client wrote the table, and Iceberg
 * allows any integer there: one beyond what a Date holds (±8.64e15 ms) would make `toISOString` throw and the page
 * fail, so it is shown as the raw number instead.
 *
 * @example isoTime(0) // '1970-01-01T00:00:00.000Z'; isoTime(9e15) // '9000000000000000 (not a valid time)'
 */
export function isoTime(value: string | number): string {
  const d = new Date(typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);
  return Number.isNaN(d.getTime()) ? `${value} (not a valid time)` : d.toISOString();
}
