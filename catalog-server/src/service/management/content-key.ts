import { BadRequestError } from '../../errors/index.ts';
import { assertKeyWithinLimits } from '../../limits.ts';
import type { ContentKey } from '../../store/types.ts';

/**
 * Content keys in URL paths and query strings, in Nessie's encoding (spec 2.2.0), so that Nessie clients and
 * `rat` build the same URLs:
 *
 * - plain form: elements joined by `.`, e.g. `db.orders`. A `.` inside an element is written as U+001D (group
 *   separator) or, legacy, U+0000 — `toPathString` in Nessie.
 * - escaped form, used when an element contains `.`, `/`, `\` or `%`: the string starts with `.`, elements are joined
 *   by `.`, and `*` escapes: `*.` = `.`, `**` = `*`, `*{` = `/`, `*}` = `\`, `*[` = `%` — `toPathStringEscaped`.
 *
 * Both forms are URL-encoded on top when placed in a URL; express has already decoded that layer here.
 */

const ESCAPES: Record<string, string> = { '.': '.', '*': '*', '{': '/', '}': '\\', '[': '%' };

/** @example parseContentKey('db.orders') → { elements: ['db', 'orders'] }; parseContentKey('.db.a*.b') → ['db', 'a.b'] */
export function parseContentKey(encoded: string): ContentKey {
  const elements: string[] = [];
  let current = '';
  if (encoded.startsWith('.')) {
    for (let i = 1; i < encoded.length; i++) {
      const c = encoded[i]!;
      if (c === '.') {
        elements.push(current);
        current = '';
      } else if (c === '*') {
        const next = encoded[++i];
        const plain = next === undefined ? undefined : ESCAPES[next];
        if (plain === undefined) {
          throw new BadRequestError(
            `Content key "${encoded}": "*${next ?? ''}" is not an escape; use *. ** *{ *} *[ for . * / \\ %.`,
          );
        }
        current += plain;
      } else {
        current += c;
      }
    }
  } else {
    for (const c of encoded) {
      if (c === '.') {
        elements.push(current);
        current = '';
      } else if (c === '\u001d' || c === '\u0000') {
        current += '.';
      } else {
        current += c;
      }
    }
  }
  if (current.length > 0) elements.push(current);
  const key = { elements };
  assertValidContentKey(key);
  return key;
}

/**
 * Nessie's `toPathStringEscaped`: plain `a.b` when no element needs escaping, else the escaped form.
 *
 * @example formatContentKey({ elements: ['db', 'a.b'] }) → '.db.a*.b'
 */
export function formatContentKey(key: ContentKey): string {
  const needsEscaping = key.elements.some((e) => /[./\\%]/.test(e));
  if (!needsEscaping) return key.elements.join('.');
  const escape = (e: string) =>
    e.replace(/[.*/\\%]/g, (c) => ({ '.': '*.', '*': '**', '/': '*{', '\\': '*}', '%': '*[' })[c]!);
  return '.' + key.elements.map(escape).join('.');
}

/**
 * Nessie's legacy `toPathString`: elements joined by `.`, a `.` inside an element written as U+001D. It is the form
 * CEL filters see as `entry.encodedKey` and `entry.namespace`, and the one Nessie's clients build their filters in.
 *
 * @example legacyPathString({ elements: ['db', 'a.b'] }) → 'db.a\u001db'
 */
export function legacyPathString(key: ContentKey): string {
  return key.elements.map((e) => e.replaceAll('.', '\u001d')).join('.');
}

/** The key limits shared with `/iceberg` (see limits.ts): 1–20 non-empty elements, no control characters, ≤ 500 characters. */
export function assertValidContentKey(key: ContentKey): void {
  assertKeyWithinLimits(key.elements);
}
