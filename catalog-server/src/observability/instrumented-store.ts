import type { MergeResult, VersionStore } from '../store/types.ts';
import type { Metrics } from './metrics.ts';
import { CommitFailedError, ReferenceAlreadyExistsError, ReferenceConflictError } from '../errors/index.ts';

type Outcome = 'ok' | 'conflict' | 'error';

/** A write refused because the state moved on (or a name is taken) is a conflict; anything else an error. */
function outcomeOf(err: unknown): Outcome {
  const conflict =
    err instanceof ReferenceConflictError ||
    err instanceof CommitFailedError ||
    err instanceof ReferenceAlreadyExistsError;
  return conflict ? 'conflict' : 'error';
}

/** `not-applied` is a dry run or a source with nothing new. */
function mergeOutcome(r: MergeResult): string {
  if (!r.wasSuccessful) return 'conflict';
  return r.wasApplied ? 'applied' : 'not-applied';
}

/**
 * Wraps a store so every write is timed and counted by outcome, without the store or the services knowing about
 * metrics. Reads pass through untouched (they are covered by the HTTP latency).
 *
 * @example const store = instrumentStore(await SqliteVersionStore.open(file), metrics)
 */
export function instrumentStore(store: VersionStore, metrics: Metrics): VersionStore {
  const timed = async <T>(operation: string, run: () => Promise<T>, after?: (r: T) => void): Promise<T> => {
    const stop = metrics.storeOperations.startTimer({ operation });
    try {
      const r = await run();
      stop({ outcome: 'ok' });
      after?.(r);
      return r;
    } catch (err) {
      stop({ outcome: outcomeOf(err) });
      if (operation === 'merge' || operation === 'transplant')
        metrics.merges.inc({ kind: operation, outcome: 'conflict' });
      throw err;
    }
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      switch (prop) {
        case 'commit':
        case 'createReference':
        case 'deleteReference':
        case 'assignReference':
          return (...args: unknown[]) => timed(prop, () => value.apply(target, args));
        case 'merge':
        case 'transplant':
          return (...args: unknown[]) =>
            timed(
              prop,
              () => value.apply(target, args) as Promise<MergeResult>,
              (r) => metrics.merges.inc({ kind: prop, outcome: mergeOutcome(r) }),
            );
        default:
          return value.bind(target);
      }
    },
  });
}
