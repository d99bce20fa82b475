import { RatError } from './rat-error.ts';

/** A table/view update action or requirement type the catalog does not implement (refused, never ignored). */
export class UnknownUpdateActionError extends RatError {
  readonly code = 'UNKNOWN_UPDATE_ACTION' as const;
}
