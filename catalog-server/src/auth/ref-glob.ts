/**
 * Reference name patterns of the auth config: `*` stands for any run of characters, slashes included (`release/*`
 * matches `release/2026/q4`, `*` matches every reference), `?` for one character; everything else is literal.
 *
 * @example refGlob('release/*').test('release/1.0') // true
 */
export function refGlob(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** True for a pattern that matches every reference name (`*`, `**`): only such a rule covers detached commits. */
export function matchesEveryRef(pattern: string): boolean {
  return /^\*+$/.test(pattern);
}
