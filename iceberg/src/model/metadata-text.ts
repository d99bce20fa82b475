import { stringifyJson } from '../json.ts';
import { HISTORY_FIELDS } from './table-metadata.ts';

const HISTORY = new Set<string>(HISTORY_FIELDS);

/** The text of frozen history elements, serialized once: a frozen element cannot change, so its text cannot either. */
const elementTexts = new WeakMap<object, string>();

/**
 * Table metadata JSON (what `tableMetadataToJson` returns, or a variant of it) as text, exactly as `stringifyJson`
 * writes it, where each frozen element of a history field (snapshots, log entries, statistics) is serialized once
 * and its text reused by every later version of the table that still holds it. Writing the next metadata file then
 * costs the new elements and the joining of the old ones' text, not serializing the whole history again.
 *
 * @example stringifyTableMetadataJson(tableMetadataToJson(md)) === stringifyJson(tableMetadataToJson(md))
 */
export function stringifyTableMetadataJson(json: Record<string, unknown>): string {
  const members: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    // Dropped as JSON.stringify drops them from an object.
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    const text = HISTORY.has(key) && Array.isArray(value) ? arrayText(value) : stringifyJson(value);
    members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
}

function arrayText(elements: readonly unknown[]): string {
  return `[${elements.map(elementText).join(',')}]`;
}

function elementText(element: unknown): string {
  if (typeof element !== 'object' || element === null || !Object.isFrozen(element)) return stringifyJson(element);
  let text = elementTexts.get(element);
  if (text === undefined) elementTexts.set(element, (text = stringifyJson(element)));
  return text;
}
