/** One unit of work for {@link runScheduled}: its id and the ids it must wait for. */
export interface ScheduledStep {
  id: string;
  /** Ids of steps that must finish first; ids that are not among the steps are ignored (already built). */
  after: string[];
}

/**
 * Runs steps with at most `concurrency` at a time, each as soon as the steps it depends on have finished, in the
 * given order otherwise (a plan's order is a topological one, so `concurrency = 1` runs exactly that order). After a
 * step fails no new step starts; the running ones finish, then the first failure (in the given order) is thrown.
 * `worker` is the slot (0 … concurrency − 1) the step runs in, so that each slot can own its resources.
 *
 * @example await runScheduled([{ id: 'a', after: [] }, { id: 'b', after: ['a'] }], 2, async (s, worker) => build(s.id, worker))
 */
export async function runScheduled<S extends ScheduledStep>(
  steps: S[],
  concurrency: number,
  run: (step: S, worker: number) => Promise<void>,
): Promise<void> {
  const ids = new Set(steps.map((s) => s.id));
  const done = new Set<string>();
  const started = new Set<string>();
  const failures = new Map<string, unknown>();
  let wake: (() => void) | undefined;
  const nextReady = () =>
    steps.find((s) => !started.has(s.id) && s.after.every((d) => !ids.has(d) || d === s.id || done.has(d)));
  const slot = async (worker: number) => {
    for (;;) {
      if (failures.size > 0) return;
      const step = nextReady();
      if (!step) {
        if (started.size === steps.length) return;
        if (started.size === done.size + failures.size) throw new Error('steps depend on each other in a cycle');
        // Something is still running that a waiting step depends on: wait for any step to finish.
        await new Promise<void>((resolve) => {
          const prev = wake;
          wake = () => {
            prev?.();
            resolve();
          };
        });
        continue;
      }
      started.add(step.id);
      try {
        await run(step, worker);
        done.add(step.id);
      } catch (err) {
        failures.set(step.id, err);
      } finally {
        const w = wake;
        wake = undefined;
        w?.();
      }
    }
  };
  const n = Math.max(1, Math.min(Math.floor(concurrency) || 1, steps.length));
  await Promise.all(Array.from({ length: n }, (_, i) => slot(i)));
  for (const s of steps) if (failures.has(s.id)) throw failures.get(s.id);
}
