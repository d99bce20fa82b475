/**
 * Base of errors raised by the pure Iceberg library. `kind` tells the catalog how to answer: a failed requirement or
 * a stale base is a commit conflict (409 CommitFailedException, the client refreshes and retries), anything else is
 * a malformed request (400).
 */
export abstract class IcebergFormatError extends Error {
  abstract readonly kind:
    'commit-conflict' | 'invalid-request' | 'invalid-argument' | 'unknown-action' | 'invalid-metadata';
  readonly data: Record<string, unknown>;

  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.data = data;
  }
}
