import { RatError } from './rat-error.ts';

/** No table was released with this metadata file (never unregistered, or reclaimed already). */
export class NoSuchReleasedTableError extends RatError {
  readonly code = 'RELEASED_TABLE_NOT_FOUND' as const;

  constructor(metadataLocation: string) {
    super(`No table was released with metadata file ${metadataLocation}.`, { metadataLocation });
  }
}
