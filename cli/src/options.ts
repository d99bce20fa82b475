import { InvalidArgumentError } from 'commander';

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
