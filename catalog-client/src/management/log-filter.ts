/**
 * What a log search narrows the history to, in git log's terms (`rat log`'s options, the web UI's commit search); each
 * given one must hold (they are ANDed).
 */
export interface LogSelection {
  /** A regular expression the author must match (`--author`). */
  author?: string;
  /** A regular expression the message must match (`--grep`). */
  grep?: string;
  /** ISO times: commits at or after `since`, at or before `until`. */
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
