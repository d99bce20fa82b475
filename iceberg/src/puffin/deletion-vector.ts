import { crc32 } from 'node:zlib';

/*
 * Iceberg v3 deletion vectors (blob type `deletion-vector-v1` in a Puffin file): the positions deleted from one data
 * file, as a 64-bit Roaring bitmap in its portable serialization. Only reading: the catalog shows what a table's
 * readers see; writers (Spark, Iceberg's Java library) produce them.
 */

/** The blob's magic bytes, after its length and before the bitmap. */
const MAGIC = [0xd1, 0xd3, 0x39, 0x64];
/** Cookies of a 32-bit Roaring bitmap's portable form: with run containers (and their count), or without. */
const SERIAL_COOKIE = 12347;
const SERIAL_COOKIE_NO_RUN = 12346;
/** From this many containers on, a bitmap with run containers also writes its offsets header. */
const NO_OFFSET_THRESHOLD = 4;
/** An array container holds at most this many values; a larger one is a bitmap of 2^16 bits. */
const MAX_ARRAY = 4096;

/**
 * The deleted positions of a deletion vector blob (the bytes at the delete entry's `content_offset`, of length
 * `content_size_in_bytes`), ascending. Throws on a blob that is not one: wrong length or magic, a CRC-32 that does
 * not match, or a bitmap cut short.
 *
 * @example decodeDeletionVector(blob) // [0, 3, 70000, 4294967296]
 */
export function decodeDeletionVector(blob: Uint8Array): number[] {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.byteLength < 12) throw new Error(`a deletion vector of ${blob.byteLength} bytes is too short`);
  const length = view.getUint32(0, false);
  if (length + 8 !== blob.byteLength)
    throw new Error(`the deletion vector says ${length + 8} bytes but the blob has ${blob.byteLength}`);
  if (MAGIC.some((b, i) => blob[4 + i] !== b)) throw new Error('the deletion vector has no deletion-vector-v1 magic');
  const body = blob.subarray(4, 4 + length);
  const expected = view.getUint32(4 + length, false);
  if (crc32(body) !== expected) throw new Error('the deletion vector fails its CRC-32 check');
  return roaring64(new Reader(blob.subarray(8, 4 + length)));
}

/** A 64-bit Roaring bitmap (portable form): a count, then per high 32 bits a 32-bit bitmap of the low ones. */
function roaring64(r: Reader): number[] {
  const buckets = r.u64();
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const high = r.u32() * 2 ** 32;
    for (const low of roaring32(r)) out.push(high + low);
  }
  return out;
}

/** A 32-bit Roaring bitmap in its portable serialization (the RoaringFormatSpec). */
function roaring32(r: Reader): number[] {
  const cookie = r.u32();
  let size: number;
  let runs: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    runs = r.bytes(Math.ceil(size / 8));
  } else if (cookie === SERIAL_COOKIE_NO_RUN) {
    size = r.u32();
  } else {
    throw new Error(`not a Roaring bitmap (cookie ${cookie})`);
  }
  const headers: Array<{ key: number; cardinality: number }> = [];
  for (let i = 0; i < size; i++) headers.push({ key: r.u16(), cardinality: r.u16() + 1 });
  if (!runs || size >= NO_OFFSET_THRESHOLD) r.bytes(4 * size); // offsets: the containers follow in order anyway
  const out: number[] = [];
  headers.forEach(({ key, cardinality }, i) => {
    const base = key * 0x10000;
    if (runs && runs[i >> 3]! & (1 << (i & 7))) {
      const n = r.u16();
      for (let k = 0; k < n; k++) {
        const start = r.u16();
        const last = start + r.u16();
        for (let v = start; v <= last; v++) out.push(base + v);
      }
    } else if (cardinality <= MAX_ARRAY) {
      for (let k = 0; k < cardinality; k++) out.push(base + r.u16());
    } else {
      const words = r.bytes(8192);
      for (let byte = 0; byte < 8192; byte++) {
        const bits = words[byte]!;
        if (bits === 0) continue;
        for (let bit = 0; bit < 8; bit++) if (bits & (1 << bit)) out.push(base + byte * 8 + bit);
      }
    }
  });
  return out;
}

/** Little-endian reads over the bitmap's bytes; reading past the end is a truncated bitmap. */
class Reader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private take(n: number): number {
    if (this.at + n > this.buf.byteLength) throw new Error('the deletion vector ends inside its bitmap');
    const at = this.at;
    this.at += n;
    return at;
  }

  u16(): number {
    return this.view.getUint16(this.take(2), true);
  }

  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }

  u64(): number {
    const at = this.take(8);
    return this.view.getUint32(at, true) + this.view.getUint32(at + 4, true) * 2 ** 32;
  }

  bytes(n: number): Uint8Array {
    const at = this.take(n);
    return this.buf.subarray(at, at + n);
  }
}
