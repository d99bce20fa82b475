import { InvalidArgumentError } from 'commander';

/** What `rat log` narrows the history to, in git log's terms; each given one must hold (they are ANDed). */
export interface LogSelection {
  /** A regular expression the author must match (`--author`). */
  author?: string;
  /** A regular expression the message must match (`--grep`). */
  grep?: string;
  /** ISO times (see {@link pointInTime}): commits at or after `since`, at or before `until`. */
  since?: string;
  until?: string;
  /** Keys (dotted) the commit put or deleted, or put or deleted something below (`git log -- <path>`). */
  touching?: string[];
  /** A CEL expression of the server's own (`--filter`), over `commit` and `operations`. */
  filter?: string;
}

/**
 * The CEL filter the server's log evaluates for `sel` (docs/api/management.md, "Filters"), or undefined when nothing
 * narrows the history. Strings are CEL literals, so a quote in a name or pattern cannot change the expression.
 *
 * @example logFilterExpression({ author: '^ci$', touching: ['sales'] })
 *   // "(commit.author.matches('^ci$')) && (operations.exists(op, op.key == 'sales' || op.key.startsWith('sales.')))"
 */
export function logFilterExpression(sel: LogSelection): string | undefined {
  const parts: string[] = [];
  if (sel.author !== undefined) parts.push(`commit.author.matches(${celString(sel.author)})`);
  if (sel.grep !== undefined) parts.push(`commit.message.matches(${celString(sel.grep)})`);
  if (sel.since !== undefined) parts.push(`timestamp(commit.commitTime) >= timestamp(${celString(sel.since)})`);
  if (sel.until !== undefined) parts.push(`timestamp(commit.commitTime) <= timestamp(${celString(sel.until)})`);
  if (sel.touching?.length) {
    const keys = sel.touching.map((k) => `op.key == ${celString(k)} || op.key.startsWith(${celString(`${k}.`)})`);
    parts.push(`operations.exists(op, ${keys.join(' || ')})`);
  }
  if (sel.filter !== undefined) parts.push(sel.filter);
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' && ');
}

/**
 * A single-quoted CEL string literal of `s`.
 *
 * @example celString("it's") // "'it\\'s'"
 */
export function celString(s: string): string {
  const escaped = s.replace(
    /[\\'\n\r\t]/g,
    (c) => ({ '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!,
  );
  return `'${escaped}'`;
}

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
