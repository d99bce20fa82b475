import { InvalidArgumentError, Option } from 'commander';
import yaml from 'js-yaml';

/**
 * A commander parser for a whole-number option, so that `--depth abc` is refused as a usage error naming the option
 * (and with --json reported as JSON) instead of becoming NaN and silently a default.
 *
 * @example new Option('--depth <n>').argParser(wholeNumber(1)) // '--depth 0' → "… is invalid. Give a whole number of at least 1."
 */
export function wholeNumber(min: number, max?: number): (value: string) => number {
  return (value: string) => {
    const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
      throw new InvalidArgumentError(
        max === undefined ? `Give a whole number of at least ${min}.` : `Give a whole number from ${min} to ${max}.`,
      );
    }
    return n;
  };
}

/**
 * A commander parser for a share: a number above 0 and at most 1 (`0.3`).
 *
 * @example new Option('--delete-ratio <share>').argParser(share) // '--delete-ratio 2' → "… Give a number above 0 and at most 1."
 */
export function share(value: string): number {
  const n = /^\s*(0|1)?(\.\d+)?\s*$/.test(value) && value.trim() !== '' ? Number(value) : NaN;
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError('Give a number above 0 and at most 1 (0.3: 30%).');
  return n;
}

/**
 * A commander parser for `--vars`: a YAML (or JSON) mapping of variable names to values, as dbt's `--vars` takes it.
 *
 * @example runVarsOption("{start: '2024-01-01', limit: 10}") // → { start: '2024-01-01', limit: 10 }
 */
export function runVarsOption(value: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = yaml.load(value);
  } catch (err) {
    throw new InvalidArgumentError(`Not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InvalidArgumentError("Give a mapping of names to values, such as '{start: 2024-01-01, limit: 10}'.");
  }
  return doc as Record<string, unknown>;
}

/** dbt's `-s` / `--select`: the selector given as an option rather than as arguments (both may be given). */
export function selectOption(): Option {
  return new Option('-s, --select <selector...>', "models, as the arguments select them (dbt's spelling)");
}

/** dbt's `--store-failures`: every test of the run stores its failing rows in a table (dbt_test__audit.<test>). */
export function storeFailuresOption(): Option {
  return new Option(
    '--store-failures',
    "store every test's failing rows in a table (dbt_test__audit.<test>), whatever the tests' store_failures say",
  );
}

/**
 * The selector of a command's arguments and `--select` together, as one selector text; undefined for all.
 *
 * @example selectorOf(['silver.orders'], ['gold.revenue+']) // 'silver.orders gold.revenue+'
 */
export function selectorOf(args: string[], select: string[] | undefined): string | undefined {
  return [...args, ...(select ?? [])].join(' ') || undefined;
}
