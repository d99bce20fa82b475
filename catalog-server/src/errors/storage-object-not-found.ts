import { RatError } from './rat-error.ts';

/**
 * A file the catalog expected in the warehouse (e.g. a table's metadata file) is not there. The message starts with
 * the wording of Iceberg's FileIO ("Failed to open input stream for file: <location>"), which Java clients match on.
 */
export class StorageObjectNotFoundError extends RatError {
  readonly code = 'STORAGE_OBJECT_NOT_FOUND' as const;

  constructor(location: string) {
    super(
      `Failed to open input stream for file: ${location}. It was deleted from the warehouse outside the catalog, or never written.`,
      {
        location,
      },
    );
  }
}
