import { PipelineError, type Model } from './model.ts';
import type { Exposure } from './exposures.ts';

/*
 * dbt's selector methods over what a model is rather than where it sits: `package:<name>` (a package's models),
 * `config.<key>:<value>` (`config.materialized:incremental`, `config.tags:nightly`) and `exposure:<name>` (the models
 * an exposure reads), matched with `*` globs.
 */

const PACKAGE_METHOD = 'package:';
const EXPOSURE_METHOD = 'exposure:';
const CONFIG_METHOD = /^config\.([a-z_.]+):(.+)$/;

/** dbt's spelling of a model's materialization (rat's `scd2` is dbt's snapshot, a seed a seed, a landing source a source). */
function materialized(m: Model): string[] {
  if (m.kind === 'source') return [m.file.endsWith('.csv') ? 'seed' : 'source'];
  return m.config.materialized === 'scd2' ? ['snapshot', 'scd2'] : [m.config.materialized];
}

/** dbt's `incremental_strategy` as rat reads a model's settings. */
function incrementalStrategy(m: Model): string[] {
  const c = m.config;
  if (m.kind !== 'sql' || c.materialized !== 'incremental') return [];
  if (c.microbatch) return ['microbatch'];
  if (c.replacePartitions) return ['insert_overwrite'];
  return c.uniqueKey.length ? ['merge', 'delete+insert'] : ['append'];
}

/** The values of a model's settings `config.<key>:` matches, by dbt's key. */
const CONFIG_VALUES: Record<string, (m: Model) => string[]> = {
  materialized,
  incremental_strategy: incrementalStrategy,
  tags: (m) => m.config.tags ?? [],
  unique_key: (m) => m.config.uniqueKey,
  on_schema_change: (m) => [m.config.onSchemaChange],
  full_refresh: (m) => (m.config.fullRefresh === undefined ? [] : [String(m.config.fullRefresh)]),
  event_time: (m) => (m.config.eventTime ? [m.config.eventTime] : []),
  'contract.enforced': (m) => [String(Boolean(m.config.contract))],
};

/**
 * The models a `package:` or `config.` term's method selects, or undefined when the term is of another method. An
 * unknown `config.` key is `UNKNOWN_SELECTOR` listing the keys read.
 *
 * @example methodSelects('config.materialized:incremental', models, globToRe) // the incremental models
 */
export function methodSelects(
  term: string,
  models: readonly Model[],
  glob: (pattern: string) => RegExp,
  exposures: ReadonlyMap<string, Exposure> = new Map(),
): Model[] | undefined {
  if (term.startsWith(EXPOSURE_METHOD)) {
    // An exposure is no model: what it selects is what it reads (its parents, as dbt's `1+exposure:x`).
    const re = glob(term.slice(EXPOSURE_METHOD.length));
    const reads = new Set([...exposures.values()].filter((e) => re.test(e.name)).flatMap((e) => e.dependsOn));
    return models.filter((m) => reads.has(m.id));
  }
  if (term.startsWith(PACKAGE_METHOD)) {
    const re = glob(term.slice(PACKAGE_METHOD.length));
    return models.filter((m) => m.package !== undefined && re.test(m.package));
  }
  const config = CONFIG_METHOD.exec(term);
  if (!config) return undefined;
  const values = Object.hasOwn(CONFIG_VALUES, config[1]!) ? CONFIG_VALUES[config[1]!] : undefined;
  if (!values) {
    throw new PipelineError(
      'UNKNOWN_SELECTOR',
      `Selector ${term}: config.${config[1]} is not read (config.${Object.keys(CONFIG_VALUES).join(', config.')})`,
      { file: '', line: 0, detail: term },
    );
  }
  const re = glob(config[2]!);
  return models.filter((m) => values(m).some((v) => re.test(v)));
}
