import { RatError } from './rat-error.ts';

/**
 * A request carries the Idempotency-Key of an identical request that is still running (on this server or another
 * replica) and did not finish within the wait. Nothing ran for this request; retrying it later with the same key
 * gets the first request's outcome (IETF draft-ietf-httpapi-idempotency-key-header: 409 for a concurrent duplicate).
 *
 * @example throw new IdempotencyKeyInProgressError(key, 30_000)
 */
export class IdempotencyKeyInProgressError extends RatError {
  readonly code = 'IDEMPOTENCY_KEY_IN_PROGRESS' as const;

  constructor(key: string, waitedMs: number) {
    super(
      `A request with Idempotency-Key ${key} is still in progress (waited ${waitedMs} ms for its outcome); nothing was done for this one. Retry later with the same key to get its outcome.`,
      { key, waitedMs },
    );
  }
}
