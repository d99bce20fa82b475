import type { ContentKey } from './shapes.ts';

/**
 * A `{ref}` path element: `name`, `name@hash` (a fixed commit; for writes, the expected head). Slashes in names are
 * URL-encoded so a name stays one path segment.
 *
 * @example refPath('feature/x', 'abc') // 'feature%2Fx@abc'
 */
export function refPath(name: string, hash?: string): string {
  return encodeURIComponent(name) + (hash ? `@${hash}` : '');
}

const ESCAPE: Record<string, string> = { '.': '*.', '*': '**', '/': '*{', '\\': '*}', '%': '*[' };
const UNESCAPE: Record<string, string> = Object.fromEntries(
  Object.entries(ESCAPE).map(([plain, esc]) => [esc[1]!, plain]),
);

/**
 * A content key as text, in Nessie's path encoding: `a.b` when no element contains `.`, `/`, `\` or `%`, else the
 * escaped form starting with `.` (`*.` `**` `*{` `*}` `*[`). The namespace `a.b` (one level) is `.a*.b`; the path
 * `a`,`b` is `a.b`, so the two never read alike. `parseKeyText` reads it back.
 *
 * @example formatKeyText({ elements: ['db', 'a.b'] }) // '.db.a*.b'
 */
export function formatKeyText(key: ContentKey): string {
  const plain = !key.elements.some((e) => /[./\\%]/.test(e));
  if (plain) return key.elements.join('.');
  return '.' + key.elements.map((e) => e.replace(/[.*/\\%]/g, (c) => ESCAPE[c]!)).join('.');
}

/**
 * Reads a key written by `formatKeyText` (or typed by a user the same way).
 *
 * @example parseKeyText('.db.a*.b') // { elements: ['db', 'a.b'] }; parseKeyText('db.t') // { elements: ['db', 't'] }
 */
export function parseKeyText(text: string): ContentKey {
  if (!text.startsWith('.')) return { elements: text.split('.').filter((e) => e.length > 0) };
  const elements: string[] = [];
  let current = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '.') {
      elements.push(current);
      current = '';
    } else if (c === '*') {
      const plain = UNESCAPE[text[i + 1] ?? ''];
      if (plain === undefined)
        throw new Error(`Key "${text}": "*${text[i + 1] ?? ''}" is not an escape (*. ** *{ *} *[).`);
      current += plain;
      i++;
    } else {
      current += c;
    }
  }
  if (current.length > 0) elements.push(current);
  return { elements };
}

/**
 * A content key in Nessie's path encoding (`formatKeyText`), URL-encoded.
 *
 * @example encodeKey({ elements: ['db', 't'] }) // 'db.t'
 */
export function encodeKey(key: ContentKey): string {
  return encodeURIComponent(formatKeyText(key));
}
