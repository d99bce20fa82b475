import { RatError } from './rat-error.ts';

/**
 * A plan task this catalog did not hand out for the table, or one whose snapshot or manifest the table no longer
 * holds (expired or rolled back since planning): the client plans the scan again.
 */
export class NoSuchPlanTaskError extends RatError {
  readonly code = 'PLAN_TASK_NOT_FOUND' as const;

  constructor(table: string, why: string) {
    super(`Plan task not found for ${table}: ${why}. Plan the scan again.`, { table });
  }
}
