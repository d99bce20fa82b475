import { stringifyJson } from '../json.ts';
import { HISTORY_FIELDS, frozenPrefixOf } from './history-lineage.ts';

const HISTORY = new Set<string>(HISTORY_FIELDS);

/** The text of frozen history elements, serialized once: a frozen element cannot change, so its text cannot either. */
const elementTexts = new WeakMap<object, string>();
/** The UTF-8 bytes of frozen history arrays, without the closing bracket (see `openArrayPieces`), likewise. */
const arrayBytes = new WeakMap<readonly unknown[], Buffer>();
/**
 * How many older versions an array's bytes may be built through before it is serialized whole. On a commit's path
 * it takes two (the builder's copy of the cached version, whose bytes came from the version before), so the bound
 * only keeps an unusual lineage from recursing deeply.
 */
const MAX_LINEAGE = 4;

/**
 * Table metadata JSON (what `tableMetadataToJson` returns, or a variant of it) as UTF-8 bytes, exactly what
 * `stringifyJson` writes. Each frozen element of a history field (snapshots, log entries, statistics) is serialized
 * once, and a history array copied from a frozen one and appended to (`history-lineage.ts`) is written as that
 * array's bytes plus its new elements. The next metadata file of a table then costs about its new elements and one
 * copy of the older bytes, not serializing and encoding the whole history again (encoding alone is about 0.8 ms per
 * MB, and a table keeping 5,000 snapshots has a 2 MB file).
 *
 * @example encodeTableMetadataJson(tableMetadataToJson(md)).toString() === stringifyJson(tableMetadataToJson(md))
 */
export function encodeTableMetadataJson(json: Record<string, unknown>): Buffer {
  const pieces: Buffer[] = [];
  let text = '';
  for (const [key, value] of Object.entries(json)) {
    // Dropped as JSON.stringify drops them from an object.
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    text += `${text || pieces.length > 0 ? ',' : '{'}${JSON.stringify(key)}:`;
    if (HISTORY.has(key) && Array.isArray(value)) {
      pieces.push(Buffer.from(text, 'utf8'), ...openArrayPieces(value, 0));
      text = ']';
    } else {
      text += stringifyJson(value);
    }
  }
  pieces.push(Buffer.from(text || pieces.length > 0 ? `${text}}` : '{}', 'utf8'));
  return Buffer.concat(pieces);
}

/**
 * An array's bytes without the closing bracket, in pieces: a longer copy of a frozen array appends its new elements
 * to the frozen array's bytes without re-encoding them. A frozen array's bytes are kept as one buffer.
 */
function openArrayPieces(elements: readonly unknown[], depth: number): Buffer[] {
  const frozen = Object.isFrozen(elements);
  const known = frozen ? arrayBytes.get(elements) : undefined;
  if (known !== undefined) return [known];
  const prefix = depth < MAX_LINEAGE ? frozenPrefixOf(elements) : undefined;
  let pieces: Buffer[];
  if (prefix && prefix.length > 0) {
    pieces = openArrayPieces(prefix, depth + 1);
    const added = elements.slice(prefix.length);
    if (added.length > 0) pieces = [...pieces, Buffer.from(`,${added.map(elementText).join(',')}`, 'utf8')];
  } else {
    pieces = [Buffer.from(`[${elements.map(elementText).join(',')}`, 'utf8')];
  }
  if (!frozen) return pieces;
  const whole = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  arrayBytes.set(elements, whole);
  // The older version's bytes are now inside these: a table's versions keep one copy of their history's bytes between
  // them rather than one each (an older version asked again is encoded again).
  if (prefix) arrayBytes.delete(prefix);
  return [whole];
}

function elementText(element: unknown): string {
  if (typeof element !== 'object' || element === null || !Object.isFrozen(element)) return stringifyJson(element);
  let text = elementTexts.get(element);
  if (text === undefined) elementTexts.set(element, (text = stringifyJson(element)));
  return text;
}
