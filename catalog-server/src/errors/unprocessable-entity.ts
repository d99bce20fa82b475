import { RatError } from './rat-error.ts';

/** A well-formed request that contradicts itself (e.g. the same namespace property both set and removed). */
export class UnprocessableEntityError extends RatError {
  readonly code = 'UNPROCESSABLE_ENTITY' as const;
}
