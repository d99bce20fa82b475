/**
 * JSON that keeps 64-bit integers exact. Iceberg snapshot ids are random 63-bit longs (Java and PyIceberg both pick
 * them that way), far beyond `Number.MAX_SAFE_INTEGER`; `JSON.parse` would silently round them and the catalog would
 * then point at snapshots that do not exist. Integers outside the safe range parse as `bigint`; `bigint` values
 * serialize as plain JSON numbers.
 */

/**
 * Parses JSON text; integer literals beyond ±2^53-1 become `bigint`, everything else is what `JSON.parse` gives.
 *
 * @example parseJson('{"snapshot-id": 3051729675574597004}') // { 'snapshot-id': 3051729675574597004n }
 */
export function parseJson(text: string): unknown {
  // Fast path: quote the long integer literals, let the native parser do the work, and turn the quoted literals back
  // into numbers. About ten times faster than the character-by-character parser below, which remains for the one
  // input the trick cannot tell apart: a string that already holds the marker.
  if (text.includes(MARKER_ESCAPED)) return parseSlowly(text);
  const prepared = quoteLongIntegers(text);
  if (prepared === undefined) return JSON.parse(text);
  return JSON.parse(prepared, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(MARKER) ? integerOf(value.slice(MARKER.length)) : value,
  );
}

/**
 * `text` with every integer literal of 16 or more digits (not part of a fraction or an exponent) turned into a
 * marked string, or undefined when it holds none. Strings are skipped whole, so digits inside them stay put.
 *
 * A scan rather than a regular expression: a pattern that matches a JSON string with a repeated alternative
 * (`"(?:[^"\\]|\\.)*"`) backtracks one stack frame per character, and a body with a 10 MB string (well inside the
 * request limit) overflowed the stack. Here strings are crossed with `indexOf`, so the cost is linear and no input
 * can exhaust the stack.
 */
function quoteLongIntegers(text: string): string | undefined {
  let out: string[] | undefined;
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = afterString(text, i);
    } else if (c === MINUS || isDigit(c)) {
      const start = i;
      if (c === MINUS) i++;
      const digitsFrom = i;
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
      const next = text.charCodeAt(i);
      const integer = next !== DOT && next !== LOWER_E && next !== UPPER_E;
      if (integer && i - digitsFrom >= 16) {
        (out ??= []).push(text.slice(copied, start), `"${MARKER_ESCAPED}${text.slice(start, i)}"`);
        copied = i;
      }
      // The rest of the number (fraction, exponent): its digits are never an integer literal of their own.
      while (i < text.length && isNumberPart(text.charCodeAt(i))) i++;
    } else {
      i++;
    }
  }
  if (!out) return undefined;
  out.push(text.slice(copied));
  return out.join('');
}

/** The index after the string that opens at `open`, or the text's length when it never closes (JSON.parse says so). */
function afterString(text: string, open: number): number {
  for (let from = open + 1; ;) {
    const close = text.indexOf('"', from);
    if (close < 0) return text.length;
    // Escaped when an odd number of backslashes precede it. Each run of backslashes is counted once, before the one
    // quote it precedes, so the scan stays linear.
    let slashes = 0;
    while (text.charCodeAt(close - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return close + 1;
    from = close + 1;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Digits, `.`, `e`, `E`, `+` and `-`: what may follow an integer part within one JSON number. */
function isNumberPart(c: number): boolean {
  return isDigit(c) || c === DOT || c === LOWER_E || c === UPPER_E || c === 0x2b || c === MINUS;
}
/** Marks a quoted integer; U+0000 cannot appear raw in JSON text, and escaped it makes us take the slow path. */
const MARKER = '\u0000rat-int:';
const MARKER_ESCAPED = '\\u0000rat-int:';

function integerOf(digits: string): number | bigint {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : BigInt(digits);
}

function parseSlowly(text: string): unknown {
  const p = new Parser(text);
  p.ws();
  const value = p.value();
  p.ws();
  if (p.i < text.length) p.fail('unexpected trailing characters');
  return value;
}

/**
 * Serializes like `JSON.stringify` (drops `undefined` object members, writes what `toJSON` gives), writing `bigint` as
 * digits. `indent` adds pretty printing.
 *
 * @example stringifyJson({ id: 3051729675574597004n }) // '{"id":3051729675574597004}'
 */
export function stringifyJson(value: unknown, indent = 0): string {
  // Native JSON.stringify with bigints passed through as marked strings, unquoted afterwards; the recursive writer
  // below remains for values whose strings already hold the marker.
  let marked = false;
  let text: string | undefined;
  try {
    text = JSON.stringify(
      value,
      (_key, v: unknown) => {
        if (typeof v === 'bigint') {
          marked = true;
          return `${MARKER}${v.toString()}`;
        }
        if (typeof v === 'string' && v.startsWith(MARKER)) throw new MarkerInData();
        return v;
      },
      indent > 0 ? indent : undefined,
    );
  } catch (err) {
    if (err instanceof MarkerInData) return stringifyJsonSlowly(value, indent);
    throw err;
  }
  if (text === undefined) return 'null';
  return marked ? text.replace(MARKED_OUTPUT, '$1') : text;
}

const MARKED_OUTPUT = /"\\u0000rat-int:(-?\d+)"/g;

class MarkerInData extends Error {}

/** The reference writer, used when a string value collides with the marker. */
export function stringifyJsonSlowly(value: unknown, indent = 0): string {
  return write(value, indent > 0 ? ' '.repeat(indent) : '', '') ?? 'null';
}

function write(raw: unknown, step: string, pad: string): string | undefined {
  // As JSON.stringify does: an object with `toJSON` (a Date, say) is written as what that gives.
  const value = hasToJson(raw) ? raw.toJSON() : raw;
  if (value === null) return 'null';
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  const inner = pad + step;
  const nl = step ? '\n' : '';
  const sep = step ? ': ' : ':';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => inner + (write(v, step, inner) ?? 'null'));
    return `[${nl}${items.join(`,${nl}`)}${nl}${pad}]`;
  }
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const s = write(v, step, inner);
    if (s !== undefined) parts.push(`${inner}${JSON.stringify(k)}${sep}${s}`);
  }
  if (parts.length === 0) return '{}';
  return `{${nl}${parts.join(`,${nl}`)}${nl}${pad}}`;
}

function hasToJson(v: unknown): v is { toJSON(): unknown } {
  return typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function';
}

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(why: string): never {
    throw new SyntaxError(`Invalid JSON at position ${this.i}: ${why}`);
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  value(): unknown {
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    if (this.s.startsWith('true', this.i)) return ((this.i += 4), true);
    if (this.s.startsWith('false', this.i)) return ((this.i += 5), false);
    if (this.s.startsWith('null', this.i)) return ((this.i += 4), null);
    return this.fail(c === undefined ? 'unexpected end' : `unexpected character ${JSON.stringify(c)}`);
  }

  object(): Record<string, unknown> {
    // Null prototype would surprise callers; a plain object with defineProperty keeps "__proto__" a normal key.
    const out: Record<string, unknown> = {};
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') return (this.i++, out);
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a string key');
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail('expected ":"');
      this.i++;
      this.ws();
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') this.fail('expected "," or "}"');
    }
  }

  array(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') return (this.i++, out);
    for (;;) {
      this.ws();
      out.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail('expected "," or "]"');
    }
  }

  string(): string {
    const start = this.i;
    this.i++;
    let simple = true;
    for (;;) {
      const c = this.s.charCodeAt(this.i);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === 0x22) break;
      if (c === 0x5c) {
        simple = false;
        this.i += 2;
        continue;
      }
      if (c < 0x20) this.fail('control character in string');
      this.i++;
    }
    this.i++;
    const raw = this.s.slice(start, this.i);
    return simple ? raw.slice(1, -1) : (JSON.parse(raw) as string);
  }

  number(): number | bigint {
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = this.i;
    const r = m.exec(this.s);
    if (!r) return this.fail('bad number');
    this.i += r[0].length;
    const n = Number(r[0]);
    if (r[1] === undefined && r[2] === undefined && !Number.isSafeInteger(n)) return BigInt(r[0]);
    return n;
  }
}
