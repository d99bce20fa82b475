import { RatError } from './rat-error.ts';

/**
 * A client named a storage location the catalog does not own: outside every warehouse root and configured allowed
 * location, not an absolute URI, or escaping through `..`, percent-encoding or a symlink. Nothing was written.
 */
export class LocationNotAllowedError extends RatError {
  readonly code = 'LOCATION_NOT_ALLOWED' as const;

  constructor(what: string, location: string, reason: string, allowedRoots: readonly string[]) {
    super(
      `${what} "${location}" is not allowed: ${reason}. Locations must lie inside ${allowedRoots.join(', ')}; ` +
        `omit the location to let the catalog choose one, or add a root to the warehouse's "allowedLocations".`,
      { location, allowedRoots: [...allowedRoots] },
    );
  }
}
