import { RatError } from './rat-error.ts';

/**
 * A name, key, namespace or property map beyond the documented limits (`LIMITS` in limits.ts). `data.limit` names the
 * limit, `data.max` its value.
 */
export class LimitExceededError extends RatError {
  readonly code = 'LIMIT_EXCEEDED' as const;

  constructor(message: string, data: { limit: string; max: number } & Record<string, unknown>) {
    super(message, data);
  }
}
