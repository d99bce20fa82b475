import type { ColumnsOf } from './jinja-adapter.ts';
import type { QueryCache, QueryResult } from './jinja-queries.ts';

/*
 * The rendering under way: nunjucks calls the template functions synchronously inside one, and they answer for its
 * scope and note what they saw in its state.
 */

/**
 * An error a template function raises before its place is known (a `var()` without a value, say): the renderer
 * places it at the line that called the function.
 */
export class UnplacedError extends Error {
  constructor(readonly at: (offset: number) => Error) {
    super('an error placed by the renderer');
  }
}

/** What a model's template functions mean for one rendering (see `compileWithSourceMap`). */
export interface RenderScope {
  /** The model's own table, `{{ this }}`. */
  self: string;
  /** dbt's `is_incremental()`. */
  incremental: boolean;
  /** dbt's `target.name`: the branch the run merges into; empty where there is none (the load, unit tests). */
  target?: string;
  /** The package whose model this is: its macros are called by name first (dbt's rule). */
  package?: string;
  /** The model's settings by dbt's names, for `config.get('unique_key')`; none while the project loads. */
  config?: Readonly<Record<string, unknown>>;
  /** The table id `ref(…)` / `source(…)` names, from the call's arguments; may throw an {@link UnplacedError}. */
  ref(args: string[]): string;
  /** The rows of a table `ref()` gives (a microbatch's window of an input with an `event_time`); all when undefined. */
  refFilter?(id: string): string | undefined;
  /** `var(name)`'s value; `fallback` holds the default when the call gives one; may throw an {@link UnplacedError}. */
  variable(name: string, fallback: unknown[]): unknown;
  /** The columns of a table the model reads, when the run knows them (dbt's `adapter`, `dbt_utils.star`). */
  columns?: ColumnsOf;
  /** A run's answers to `run_query()`; without them (the project's load) dbt's `execute` is false. */
  queries?: QueryCache;
}

/** The rendering under way: template functions are called synchronously inside it. */
let active: RenderState | undefined;

/** What the template functions of one rendering saw. */
export interface RenderState {
  scope: RenderScope;
  /** Whether `this` was read. */
  readsSelf: boolean;
  /** The messages dbt's `log()` was given, in order. */
  logs: string[];
  /** The results of dbt's `{% call statement(name) %}` blocks, for `load_result(name)`. */
  statements: Map<string, QueryResult>;
  /** The settings of the `config(…)` calls made (a generic test's block sets its `fail_calc` so). */
  configured: Record<string, unknown>;
  /** The error a template function raised, to be placed at the failing line. */
  failure?: UnplacedError;
}

/**
 * Runs `render` as the rendering of `scope`: the template functions called meanwhile answer for it, and `state`
 * says what they saw (also when `render` throws).
 */
export function rendering<T>(scope: RenderScope, render: (state: RenderState) => T): T {
  const previous = active;
  const state: RenderState = { scope, readsSelf: false, logs: [], statements: new Map(), configured: {} };
  active = state;
  try {
    return render(state);
  } finally {
    active = previous;
  }
}

/** The rendering under way; a template function called outside one is a defect. */
export function inRendering(): RenderState {
  if (!active) throw new Error('a template function was called outside a rendering');
  return active;
}

/** Runs a template function; an error it raises is kept to be placed at the failing line. */
export function guarded<T>(f: (r: RenderState) => T): T {
  const r = inRendering();
  try {
    return f(r);
  } catch (err) {
    if (err instanceof UnplacedError) r.failure = err;
    throw err;
  }
}
