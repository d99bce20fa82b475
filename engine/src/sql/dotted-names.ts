/** The most `a.b` names of one SQL text looked up as tables. */
const MAX_NAMES = 50;

const PART = String.raw`(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_]*))`;

/**
 * The distinct `namespace.table` names SQL writes, quoted or not, outside string literals (at most {@link MAX_NAMES}):
 * the tables it may read, besides aliases and their columns (`o.id`), which name no table.
 *
 * @example dottedNames('SELECT o.id FROM audit.failures AS o') // ['o.id', 'audit.failures']
 */
export function dottedNames(sql: string): string[] {
  const text = sql.replace(/'(?:[^']|'')*'/g, "''");
  const out = new Set<string>();
  const re = new RegExp(String.raw`(?<![\w."])${PART}\s*\.\s*${PART}(?![\w"]|\s*\.|\s*\()`, 'g');
  for (const m of text.matchAll(re)) {
    const part = (quoted: string | undefined, bare: string | undefined) => quoted?.replace(/""/g, '"') ?? bare!;
    out.add(`${part(m[1], m[2])}.${part(m[3], m[4])}`);
    if (out.size === MAX_NAMES) break;
  }
  return [...out];
}
