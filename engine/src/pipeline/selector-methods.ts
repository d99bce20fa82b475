import { PipelineError, type Exposure, type Model } from './model.ts';
import { dbtConfig, DBT_CONFIG_KEYS } from './dbt-config.ts';

/*
 * dbt's selector methods over what a model is rather than where it sits: `package:<name>` (a package's models),
 * `config.<key>:<value>` (`config.materialized:incremental`, `config.tags:nightly`) and `exposure:<name>` (the models
 * an exposure reads), matched with `*` globs.
 */

const PACKAGE_METHOD = 'package:';
const EXPOSURE_METHOD = 'exposure:';
const CONFIG_METHOD = /^config\.([a-z_.]+):(.+)$/;

/** The values of a model's setting `config.<key>:` matches (a snapshot also matches `scd2`, rat's name). */
function configValues(m: Model, key: (typeof DBT_CONFIG_KEYS)[number]): string[] {
  const v = dbtConfig(m)[key];
  const values = v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
  if (key === 'incremental_strategy' && values[0] === 'merge') values.push('delete+insert');
  return key === 'materialized' && values[0] === 'snapshot' ? [...values, 'scd2'] : values;
}

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
  const key = DBT_CONFIG_KEYS.find((k) => k === config[1]);
  if (!key) {
    throw new PipelineError(
      'UNKNOWN_SELECTOR',
      `Selector ${term}: config.${config[1]} is not read (config.${DBT_CONFIG_KEYS.join(', config.')})`,
      { file: '', line: 0, detail: term },
    );
  }
  const re = glob(config[2]!);
  return models.filter((m) => configValues(m, key).some((v) => re.test(v)));
}
