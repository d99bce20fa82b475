/**
 * Base of every error the catalog raises on purpose. Each subclass has a literal `code` (stable, for programs),
 * the HTTP `status` it maps to, the Iceberg error `type` clients turn into exceptions, and structured `data`.
 * The message says what went wrong and what to do about it.
 *
 * @example throw new NoSuchReferenceError('feature/x')
 */
export abstract class RatError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** Iceberg REST error `type` (e.g. `NoSuchTableException`) that real clients map to exceptions. */
  abstract readonly icebergType: string;
  /** Nessie REST v2 `errorCode` for the management API. */
  abstract readonly nessieErrorCode: string;
  readonly data: Record<string, unknown>;

  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.data = data;
  }
}
