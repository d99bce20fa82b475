/**
 * Base of every error the catalog raises on purpose. Each subclass has a literal `code` (stable, for programs) and
 * structured `data`; the message says what went wrong and what to do about it. How a code is answered over HTTP
 * (status, Iceberg error type, Nessie error code) is decided in one table, `http/error-handler.ts`, not here.
 *
 * @example throw new NoSuchReferenceError('feature/x')
 */
export abstract class RatError extends Error {
  abstract readonly code: string;
  readonly data: Record<string, unknown>;

  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.data = data;
  }
}
