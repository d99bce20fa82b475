import avro from 'avsc';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';

/**
 * An Avro long as read from a file: a JS number when it fits without precision loss, a bigint otherwise (snapshot ids
 * written by Java are random 63-bit values). Writers accept either.
 */
export type Long = number | bigint;

/** Below 2^52 a zigzag-encoded long (at most 2^53) is exact in a double, so such values skip bigint arithmetic. */
const NUMBER_LIMIT = 2 ** 52;

/**
 * The value of one long's zigzag varint bytes. A manifest holds dozens of longs per file (counts and sizes by column),
 * so a value of up to seven bytes (below 2^48) is read with number arithmetic and allocates nothing beyond its result.
 */
export function longFromVarint(buf: Uint8Array): Long {
  if (buf.length <= 7) {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < buf.length; i++) {
      n += (buf[i]! & 0x7f) * scale;
      scale *= 128;
    }
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
  let n = 0n;
  for (let i = buf.length - 1; i >= 0; i--) n = (n << 7n) | BigInt(buf[i]! & 0x7f);
  const v = BigInt.asIntN(64, (n >> 1n) ^ -(n & 1n));
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** The zigzag varint bytes of one long (the inverse of {@link longFromVarint}). */
export function longToVarint(value: Long): Buffer {
  const bytes: number[] = [];
  if (typeof value === 'number' && Math.abs(value) < NUMBER_LIMIT) {
    let n = value >= 0 ? value * 2 : -value * 2 - 1;
    while (n >= 128) {
      bytes.push((n % 128) | 0x80);
      n = Math.floor(n / 128);
    }
    bytes.push(n);
  } else {
    const v = BigInt.asIntN(64, BigInt(value));
    let n = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    while (n >= 128n) {
      bytes.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    bytes.push(Number(n));
  }
  return Buffer.from(bytes);
}

// `noUnpack`: avsc hands over each varint's bytes as they are (a view), not unpacked into a new 8-byte buffer.
const LongType = avro.types.LongType.__with(
  {
    fromBuffer: longFromVarint,
    toBuffer: longToVarint,
    fromJSON: (v: unknown): Long => (typeof v === 'string' ? BigInt(v) : (v as number)),
    toJSON: (n: Long): number => Number(n),
    isValid: (n: unknown): boolean => typeof n === 'bigint' || (typeof n === 'number' && Number.isInteger(n)),
    compare: (a: Long, b: Long): number => (a < b ? -1 : a > b ? 1 : 0),
  },
  true,
);

/**
 * Types built so far, by their schema's JSON text. Building one generates and compiles its reader and writer (about a
 * millisecond), and a run or a merge reads and writes many files of the same few schemas; a type holds no state, so
 * one serves every file of its schema. Bounded: the oldest is dropped first.
 */
const types = new Map<string, avro.Type>();
const MAX_TYPES = 256;

/** An avsc type whose longs round-trip 64-bit values exactly (see {@link Long}); `text` is the schema's JSON. */
export function avroType(schema: unknown, text: string = JSON.stringify(schema)): avro.Type {
  let type = types.get(text);
  if (!type) {
    type = avro.Type.forSchema(schema as avro.Schema, { registry: { long: LongType }, wrapUnions: false });
    if (types.size >= MAX_TYPES) types.delete(types.keys().next().value!);
    types.set(text, type);
  }
  return type;
}

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj\x01"
const headerType = avro.Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});
const plainLong = avro.Type.forSchema('long');

export class AvroFormatError extends Error {
  readonly code = 'AVRO_FORMAT' as const;
  constructor(message: string) {
    super(message);
    this.name = 'AvroFormatError';
  }
}

export interface OcfContents {
  /** The writer schema, parsed from `avro.schema`. */
  schema: unknown;
  /** Key-value metadata other than `avro.schema` / `avro.codec`, decoded as UTF-8. */
  metadata: Record<string, string>;
  records: unknown[];
}

/**
 * Writes an Avro object container file (one block) to a buffer. `schema` is written verbatim, so Iceberg's
 * `field-id` attributes survive.
 *
 * @example encodeOcf({ type: 'record', name: 'r', fields: [] }, [{}], { 'format-version': '2' }, 'deflate')
 */
export function encodeOcf(
  schema: unknown,
  records: unknown[],
  metadata: Record<string, string> = {},
  codec: 'null' | 'deflate' = 'deflate',
): Buffer {
  const text = JSON.stringify(schema);
  const type = avroType(schema, text);
  const meta: Record<string, Buffer> = {
    'avro.schema': Buffer.from(text),
    'avro.codec': Buffer.from(codec),
  };
  for (const [k, v] of Object.entries(metadata)) meta[k] = Buffer.from(v);
  const sync = randomBytes(16);
  const header = headerType.toBuffer({ magic: MAGIC, meta, sync });
  const parts: Buffer[] = [header];
  if (records.length > 0) {
    let body = Buffer.concat(records.map((r) => type.toBuffer(r)));
    if (codec === 'deflate') body = deflateRawSync(body);
    parts.push(plainLong.toBuffer(records.length), plainLong.toBuffer(body.length), body, sync);
  }
  return Buffer.concat(parts);
}

/** An object container file whose header is read, its records still to decode. */
export interface OpenedOcf {
  /** The writer schema, parsed from `avro.schema`. */
  schema: unknown;
  /** Key-value metadata other than `avro.schema` / `avro.codec`, decoded as UTF-8. */
  metadata: Record<string, string>;
  /**
   * Decodes the records in order, handing each to `each` as soon as it is read: a caller that turns records into
   * its own objects lets each decoded record die young, instead of holding all of them until the last is read.
   */
  forEachRecord(each: (record: unknown) => void): void;
}

/** Reads an Avro object container file's header (codecs `null` and `deflate`); its records are read on demand. */
export function openOcf(buf: Buffer): OpenedOcf {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(MAGIC))
    throw new AvroFormatError('Not an Avro object container file');
  const { value: header, offset: start } = headerType.decode(buf, 0) as {
    value: { meta: Record<string, Buffer>; sync: Buffer };
    offset: number;
  };
  if (start < 0) throw new AvroFormatError('Truncated Avro header');
  const schemaText = header.meta['avro.schema']?.toString('utf8');
  if (!schemaText) throw new AvroFormatError('Avro file has no schema');
  const codec = header.meta['avro.codec']?.toString('utf8') ?? 'null';
  if (codec !== 'null' && codec !== 'deflate') throw new AvroFormatError(`Unsupported Avro codec ${codec}`);
  const schema = JSON.parse(schemaText) as unknown;
  const type = avroType(schema, schemaText);
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(header.meta)) if (!k.startsWith('avro.')) metadata[k] = v.toString('utf8');
  const forEachRecord = (each: (record: unknown) => void): void => {
    let pos = start;
    while (pos < buf.length) {
      const count = plainLong.decode(buf, pos);
      const size = plainLong.decode(buf, count.offset);
      if (count.offset < 0 || size.offset < 0) throw new AvroFormatError('Truncated Avro block header');
      const end = size.offset + (size.value as number);
      if (end + 16 > buf.length) throw new AvroFormatError('Truncated Avro block');
      let block = buf.subarray(size.offset, end);
      if (codec === 'deflate') block = inflateRawSync(block);
      let p = 0;
      for (let i = 0; i < (count.value as number); i++) {
        const r = type.decode(block, p);
        if (r.offset < 0) throw new AvroFormatError('Truncated Avro record');
        each(r.value);
        p = r.offset;
      }
      if (!buf.subarray(end, end + 16).equals(header.sync)) throw new AvroFormatError('Avro sync marker mismatch');
      pos = end + 16;
    }
  };
  return { schema, metadata, forEachRecord };
}

/** Reads an Avro object container file with its own writer schema (codecs `null` and `deflate`). */
export function decodeOcf(buf: Buffer): OcfContents {
  const { schema, metadata, forEachRecord } = openOcf(buf);
  const records: unknown[] = [];
  forEachRecord((r) => records.push(r));
  return { schema, metadata, records };
}
