import { HISTORY_FIELDS, frozenPrefixOf, recordCopy } from './history-lineage.ts';

/**
 * Parsing the next version of a table without validating its history again. The catalog parses every version it
 * builds in memory (a commit applied to the cached version) to normalize it as a read of its file would, and caches
 * the result frozen. Most of that version is the cached one's history: elements this parser produced and that cannot
 * have changed since (frozen). Only the rest goes through the schema, so a commit's cost does not grow with the
 * table's history. Text read from a file never holds such an element, so every file is validated whole.
 */

/** Elements of history fields this parser produced. */
const parsedElements = new WeakSet<object>();
/** History arrays this parser returned: all their elements are parsed. */
const parsedArrays = new WeakSet<readonly unknown[]>();

function alreadyParsed(element: unknown): boolean {
  return typeof element === 'object' && element !== null && Object.isFrozen(element) && parsedElements.has(element);
}

/** A history field's array, how many of its first elements need no check, and the others, to be checked. */
interface SetAside {
  field: string;
  whole: readonly unknown[];
  from: number;
}

export interface HistoryInput {
  /** The input for the schema: history fields hold only the elements to check. */
  input: unknown;
  setAside: SetAside[];
}

/**
 * `json` with the already parsed elements of its history fields left out (so the schema checks only the others) and
 * what `restoreParsedHistory` needs to put them back. Issue paths of a failure then count only the elements checked;
 * that can only happen for metadata built in memory, never for a file's.
 *
 * @example const h = withoutParsedHistory(json); const m = schema.parse(h.input); restoreParsedHistory(h, m)
 */
export function withoutParsedHistory(json: unknown): HistoryInput {
  const setAside: SetAside[] = [];
  if (typeof json !== 'object' || json === null) return { input: json, setAside };
  let input = json as Record<string, unknown>;
  for (const field of HISTORY_FIELDS) {
    const whole = input[field];
    if (!Array.isArray(whole)) continue;
    // A copy of a parsed (frozen) version's array that still begins with all its elements: those need no look.
    const prefix = frozenPrefixOf(whole);
    const from = prefix && parsedArrays.has(prefix) ? prefix.length : 0;
    const fresh: unknown[] = [];
    for (let i = from; i < whole.length; i++) if (!alreadyParsed(whole[i])) fresh.push(whole[i]);
    if (fresh.length === whole.length) continue;
    if (input === json) input = { ...input };
    input[field] = fresh;
    setAside.push({ field, whole, from });
  }
  return { input, setAside };
}

/** Puts the elements left out back into the schema's output `parsed`, in their order, beside the checked ones. */
export function restoreParsedHistory(h: HistoryInput, parsed: Record<string, unknown>): void {
  for (const { field, whole, from } of h.setAside) {
    const checked = (parsed[field] as readonly unknown[] | null | undefined) ?? [];
    const out = whole.slice(0, from);
    let next = 0;
    for (let i = from; i < whole.length; i++) out.push(alreadyParsed(whole[i]) ? whole[i] : checked[next++]);
    recordCopy(out, whole);
    parsed[field] = out;
  }
}

/** Remembers the history arrays of the parser's result `md` and their elements as parsed. */
export function rememberParsedHistory(h: HistoryInput, md: Readonly<Record<string, unknown>>): void {
  for (const field of HISTORY_FIELDS) {
    const elements = md[field] as readonly object[];
    const from = h.setAside.find((s) => s.field === field)?.from ?? 0;
    for (let i = from; i < elements.length; i++) parsedElements.add(elements[i]!);
    parsedArrays.add(elements);
  }
}
