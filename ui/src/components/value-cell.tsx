/**
 * A value of a table's row as the data preview and the row changes show it: the server's text, NULL as a muted
 * `null` (a string "null" stays plain).
 */
export function ValueCell({ value }: { value: string | null }) {
  return <td className={value === null ? 'muted' : undefined}>{value ?? 'null'}</td>;
}
