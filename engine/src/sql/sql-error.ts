/**
 * A statement the SQL engine refused or failed to run. `position` is the character offset in `sql` that the engine
 * blamed (when it named one), so a caller that built `sql` around a user's query can point at the user's own text.
 */
export class SqlError extends Error {
  readonly code = 'SQL_ERROR' as const;
  constructor(
    message: string,
    readonly sql: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

/**
 * Reads an error DuckDB reports with `errors_as_json` on (`Parser Error: {"exception_type":…,"position":"13"}`) into
 * a plain message without DuckDB's `LINE n:` excerpt (which quotes the wrapped statement, not the user's query) and the
 * position; a message that is not JSON is kept as it is.
 *
 * @example parseDuckDbError('{"exception_type":"Binder","exception_message":"no b","position":"7"}')
 * // { message: 'Binder Error: no b', position: 7 }
 */
export function parseDuckDbError(raw: string): { message: string; position?: number } {
  const start = raw.indexOf('{');
  if (start < 0) return { message: raw };
  try {
    const j = JSON.parse(raw.slice(start)) as Record<string, unknown>;
    if (typeof j.exception_message !== 'string') return { message: raw };
    const type = typeof j.exception_type === 'string' ? `${j.exception_type} Error: ` : '';
    const position = Number(j.position);
    return {
      message: `${type}${j.exception_message}`,
      ...(j.position !== undefined && Number.isInteger(position) ? { position } : {}),
    };
  } catch {
    return { message: raw };
  }
}
