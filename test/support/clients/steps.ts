import type { ClientRunResult } from './python.ts';

/**
 * The value a client script recorded for step `name`; throws an error carrying the client's exception (class,
 * message, Python/Java traceback) when the step failed, and the script's stderr tail when the step never ran.
 *
 * @example const v = stepValue<{ ids: number[] }>(result, 'append'); assert.deepEqual(v.ids, [1, 2]);
 */
export function stepValue<T = any>(result: ClientRunResult | undefined, name: string): T {
  if (!result) throw new Error('client script did not run (see the before-all hook)');
  const step = result.steps[name];
  if (!step) {
    const tail = result.stderr.split('\n').slice(-60).join('\n');
    throw new Error(
      `step "${name}" did not run (exit ${result.code}); steps run: ${JSON.stringify(Object.keys(result.steps))}\n${tail}`,
    );
  }
  if (!step.ok) {
    const e = step.error!;
    const err = new Error(`client step "${name}" failed: ${e.type}: ${e.message}\n${e.traceback ?? ''}`);
    err.name = `ClientStepFailed(${e.type})`;
    throw err;
  }
  return step.value as T;
}

/** For steps run with `steps.expect_error`: the class name of the exception the client raised. */
export function stepRaised(result: ClientRunResult | undefined, name: string): string {
  return stepValue<{ raised: string }>(result, name).raised;
}
