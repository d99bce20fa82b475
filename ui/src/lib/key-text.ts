import { encodeKey } from '@ratatouille/catalog-client/management';

/**
 * A content key as text in UI paths, in the management API's encoding: `shop.orders`, or when an element holds a
 * `.`, `/`, `\` or `%`, the escaped form starting with `.` (`*.` `**` `*{` `*}` `*[`).
 *
 * @example keyText(['shop', 'a.b']) // '.shop.a*.b'; keyElements('.shop.a*.b') // ['shop', 'a.b']
 */
export function keyText(elements: string[]): string {
  return decodeURIComponent(encodeKey({ elements }));
}

/** The elements of a key written by keyText. */
export function keyElements(text: string): string[] {
  if (!text.startsWith('.')) return text.split('.');
  const out: string[] = [];
  let cur = '';
  const escapes: Record<string, string> = { '.': '.', '*': '*', '{': '/', '}': '\\', '[': '%' };
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '*' && i + 1 < text.length && escapes[text[i + 1]!] !== undefined) {
      cur += escapes[text[++i]!];
    } else if (c === '.') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}
