import { useState } from 'react';
import { errorText } from '../api.ts';

export interface Action {
  /** True while a step runs: buttons stay disabled. */
  busy: boolean;
  /** The last step's failure, as the page shows it. */
  error?: string;
  /** Runs one step (a dry run, the write): clears the last error first, records a new one. */
  run: (work: () => Promise<void>) => Promise<void>;
}

/**
 * The busy flag and error of a page's write actions (a preview, then the write itself), one step at a time.
 *
 * @example const action = useAction(); <button disabled={action.busy} onClick={() => void action.run(preview)}>
 */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
