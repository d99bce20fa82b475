import { IcebergFormatError } from './iceberg-format-error.ts';

/** A table/view update or requirement type this catalog does not know; refused rather than silently ignored. */
export class UnknownUpdateActionError extends IcebergFormatError {
  readonly kind = 'unknown-action' as const;

  constructor(what: 'update' | 'requirement', action: unknown, known: readonly string[]) {
    super(
      `Unknown ${what} ${what === 'update' ? 'action' : 'type'} ${JSON.stringify(action)}. Supported: ${known.join(', ')}.`,
      { action, what },
    );
  }
}
