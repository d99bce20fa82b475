import { RatError } from './rat-error.ts';

/**
 * A plan id this catalog did not hand out. It answers every plan at once (`completed`), so it never hands one out:
 * a client fetching or cancelling a plan by id has one from elsewhere.
 */
export class NoSuchPlanIdError extends RatError {
  readonly code = 'PLAN_ID_NOT_FOUND' as const;

  constructor(table: string, planId: string) {
    super(
      `Plan not found for ${table}: ${JSON.stringify(planId)} is not a plan of this catalog, which completes every scan plan in its answer to POST …/plan.`,
      { table, planId },
    );
  }
}
