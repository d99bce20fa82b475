import { RatError } from './rat-error.ts';

/** A create-only write (`ifAbsent`) found a file already at the location; the existing file was left untouched. */
export class StorageObjectExistsError extends RatError {
  readonly code = 'STORAGE_OBJECT_EXISTS' as const;

  constructor(location: string) {
    super(`A file already exists at ${location}; another writer got there first. Retry the operation.`, { location });
  }
}
