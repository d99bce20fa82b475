import type { RowDiff, RowText } from '@ratatouille/catalog-client';

/**
 * A row diff as `rat diff --rows` prints it: a summary line, then a line per row, `+` added, `-` removed, `~` changed
 * (its key, then only the columns that changed, `before → after`). NULL for a null value.
 *
 * @example rowDiffText('shop.orders', d) // 'shop.orders: 1 added, 0 removed, 1 changed (key: id) …\n+ id=4 name=kiwi\n~ id=3 amount: NULL → 9\n'
 */
export function rowDiffText(table: string, d: RowDiff): string {
  const names = d.columns.map((c) => c.name);
  const cell = (v: string | null) => (v === null ? 'NULL' : v);
  const whole = (r: RowText) => names.map((n, i) => `${n}=${cell(r[i] ?? null)}`).join('  ');
  const keyIdx = d.keyColumns.map((k) => names.indexOf(k));
  const by = d.keyColumns.length > 0 ? `key: ${d.keyColumns.join(', ')}` : 'rows compared whole';
  const files = d.filesRead + d.filesSkipped;
  const lines = [
    `${table}: ${d.counts.added} added, ${d.counts.removed} removed, ${d.counts.changed} changed (${by}); ` +
      `read ${d.filesRead} of ${files} data file${files === 1 ? '' : 's'} (${d.filesSkipped} unchanged)`,
    ...d.added.map((r) => `+ ${whole(r)}`),
    ...d.removed.map((r) => `- ${whole(r)}`),
    ...d.changed.map(({ before, after }) => {
      const key = keyIdx.map((i) => `${names[i]}=${cell(after[i] ?? null)}`).join('  ');
      const moved = names
        .map((n, i) =>
          before[i] === after[i] ? undefined : `${n}: ${cell(before[i] ?? null)} → ${cell(after[i] ?? null)}`,
        )
        .filter((x) => x !== undefined);
      return `~ ${key}  ${moved.join('  ')}`;
    }),
  ];
  if (d.truncated)
    lines.push(
      `(the first ${Math.max(d.added.length, d.removed.length, d.changed.length)} of each kind shown; --limit shows more)`,
    );
  return `${lines.join('\n')}\n`;
}
