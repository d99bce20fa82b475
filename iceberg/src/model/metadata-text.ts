import { stringifyJson } from '../json.ts';
import { HISTORY_FIELDS, frozenPrefixOf } from './history-lineage.ts';

const HISTORY = new Set<string>(HISTORY_FIELDS);

/** The text of frozen history elements, serialized once: a frozen element cannot change, so its text cannot either. */
const elementTexts = new WeakMap<object, string>();
/** The text of frozen history arrays (without the closing bracket, see `openArrayText`), likewise. */
const arrayTexts = new WeakMap<readonly unknown[], string>();
/**
 * How many older versions an array's text may be built through before it is serialized whole. On a commit's path
 * it takes two (the builder's copy of the cached version, whose text came from the version before), so the bound
 * only keeps an unusual lineage from recursing deeply.
 */
const MAX_LINEAGE = 4;

/**
 * Table metadata JSON (what `tableMetadataToJson` returns, or a variant of it) as text, exactly as `stringifyJson`
 * writes it, where each frozen element of a history field (snapshots, log entries, statistics) is serialized once
 * and its text reused by every later version of the table that still holds it, and an array copied from a frozen one
 * and appended to (`history-lineage.ts`) is written as that array's text plus its new elements. Writing the next
 * metadata file then costs about the new elements, not serializing or even joining the whole history again.
 *
 * @example stringifyTableMetadataJson(tableMetadataToJson(md)) === stringifyJson(tableMetadataToJson(md))
 */
export function stringifyTableMetadataJson(json: Record<string, unknown>): string {
  // Concatenated rather than joined: the history's text stays one piece until the file is written, not copied here.
  let out = '';
  for (const [key, value] of Object.entries(json)) {
    // Dropped as JSON.stringify drops them from an object.
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    const text = HISTORY.has(key) && Array.isArray(value) ? arrayText(value) : stringifyJson(value);
    out += `${out ? ',' : '{'}${JSON.stringify(key)}:${text}`;
  }
  return out ? `${out}}` : '{}';
}

function arrayText(elements: readonly unknown[]): string {
  return `${openArrayText(elements, 0)}]`;
}

/**
 * The array's text without its closing bracket, so that a longer copy appends to it without slicing: slicing a string
 * built by concatenation copies it whole, which is what this avoids.
 */
function openArrayText(elements: readonly unknown[], depth: number): string {
  const frozen = Object.isFrozen(elements);
  const known = frozen ? arrayTexts.get(elements) : undefined;
  if (known !== undefined) return known;
  const prefix = depth < MAX_LINEAGE ? frozenPrefixOf(elements) : undefined;
  let text: string;
  if (prefix && prefix.length > 0) {
    text = openArrayText(prefix, depth + 1);
    for (let i = prefix.length; i < elements.length; i++) text += `,${elementText(elements[i])}`;
  } else {
    text = `[${elements.map(elementText).join(',')}`;
  }
  if (frozen) arrayTexts.set(elements, text);
  return text;
}

function elementText(element: unknown): string {
  if (typeof element !== 'object' || element === null || !Object.isFrozen(element)) return stringifyJson(element);
  let text = elementTexts.get(element);
  if (text === undefined) elementTexts.set(element, (text = stringifyJson(element)));
  return text;
}
