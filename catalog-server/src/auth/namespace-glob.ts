import { refGlob } from './ref-glob.ts';

/**
 * Namespace patterns of the auth config work on a namespace's dotted name, with the reference patterns' rules (`*`
 * any run of characters, dots included; `?` one character; the rest literal): `sales.*` matches `sales.eu` and
 * `sales.eu.q4` but not `sales` itself, so a rule for a namespace and everything below it names both
 * (`["sales", "sales.*"]`).
 */

/**
 * The dotted name of a namespace. A `.` inside one level is written as U+001D (as Nessie writes it), so a level
 * `sales.x` at the top is not taken for `x` under `sales`, and no pattern's `.` matches it.
 *
 * @example namespaceName(['sales', 'eu']) // 'sales.eu'
 */
export function namespaceName(levels: readonly string[]): string {
  return levels.map((l) => l.replaceAll('.', '\u001d')).join('.');
}

/** A namespace pattern as a test on dotted names. */
export function namespaceGlob(pattern: string): RegExp {
  return refGlob(pattern);
}

/**
 * Whether `pattern` matches some namespace strictly below the one named `name`, so a listing that must lead a caller
 * to the namespaces it may read shows `name` on the way (`sales` for `sales.eu`, `hr` for `*.public`).
 *
 * @example reachesBelow('sales.*', 'sales') // true
 * @example reachesBelow('sales.*', 'hr') // false
 */
export function reachesBelow(pattern: string, name: string): boolean {
  return couldStartWith(pattern, `${name}.`);
}

/**
 * Whether some string that `pattern` matches starts with `prefix`: the pattern is run over the prefix as a small
 * automaton (its states are positions in the pattern), and any state left once the prefix is read can be completed,
 * since a literal, a `?` and a `*` can each be satisfied by appending characters.
 */
function couldStartWith(pattern: string, prefix: string): boolean {
  const skipStars = (states: Set<number>): Set<number> => {
    for (const i of states) if (pattern[i] === '*') states.add(i + 1);
    return states;
  };
  let states = skipStars(new Set([0]));
  for (const ch of prefix) {
    const next = new Set<number>();
    for (const i of states) {
      const p = pattern[i];
      if (p === undefined) continue;
      if (p === '*') next.add(i);
      else if (p === '?' || p === ch) next.add(i + 1);
    }
    states = skipStars(next);
    if (states.size === 0) return false;
  }
  return true;
}

/** A namespace pattern the config accepts: non-empty levels (no leading, trailing or doubled `.`). */
export const NAMESPACE_PATTERN = /^[^.]+(\.[^.]+)*$/;
