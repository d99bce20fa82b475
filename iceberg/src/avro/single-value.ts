/**
 * Iceberg's single-value binary serialization (spec, Appendix D), used for manifest lower/upper bounds and partition
 * summaries. Values in JS:
 * boolean → boolean; int, date → number (days); long, time, timestamp(tz) (µs), timestamp_ns (ns) → bigint;
 * float, double → number; string → string; uuid → string (canonical form); decimal(P,S) → bigint (unscaled);
 * fixed[L], binary → Uint8Array.
 */
export type IcebergPrimitiveValue = boolean | number | bigint | string | Uint8Array;

export class UnsupportedTypeError extends Error {
  readonly code = 'UNSUPPORTED_TYPE' as const;
  constructor(readonly type: string) {
    super(`Iceberg type ${type} has no single-value binary form here`);
    this.name = 'UnsupportedTypeError';
  }
}

/** The base name of a primitive type: `decimal(10,2)` → `decimal`, `fixed[16]` → `fixed`. */
export function primitiveKind(type: string): string {
  const m = /^([a-z_]+)/.exec(type);
  return m ? m[1] : type;
}

function bigToBytesBE(v: bigint): Buffer {
  // Minimal two's complement, big-endian.
  const bytes: number[] = [];
  let x = v;
  for (;;) {
    const b = Number(x & 0xffn);
    bytes.unshift(b);
    x >>= 8n;
    const signBit = (b & 0x80) !== 0;
    if ((x === 0n && !signBit) || (x === -1n && signBit)) break;
  }
  return Buffer.from(bytes);
}

function bytesBEToBig(b: Uint8Array): bigint {
  let x = 0n;
  for (const byte of b) x = (x << 8n) | BigInt(byte);
  if (b.length > 0 && (b[0] & 0x80) !== 0) x -= 1n << BigInt(8 * b.length);
  return x;
}

/**
 * Serializes one value of an Iceberg primitive type.
 *
 * @example toSingleValue('int', 7) // <07 00 00 00>
 */
export function toSingleValue(type: string, value: IcebergPrimitiveValue): Buffer {
  switch (primitiveKind(type)) {
    case 'boolean':
      return Buffer.from([value ? 1 : 0]);
    case 'int':
    case 'date': {
      const b = Buffer.alloc(4);
      b.writeInt32LE(Number(value));
      return b;
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(value as number | bigint));
      return b;
    }
    case 'float': {
      const b = Buffer.alloc(4);
      b.writeFloatLE(Number(value));
      return b;
    }
    case 'double': {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(Number(value));
      return b;
    }
    case 'string':
      return Buffer.from(String(value), 'utf8');
    case 'uuid':
      return Buffer.from(String(value).replace(/-/g, ''), 'hex');
    case 'decimal':
      return bigToBytesBE(BigInt(value as bigint));
    case 'fixed':
    case 'binary':
      return Buffer.from(value as Uint8Array);
    default:
      throw new UnsupportedTypeError(type);
  }
}

/** Inverse of {@link toSingleValue}. */
export function fromSingleValue(type: string, bytes: Uint8Array): IcebergPrimitiveValue {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (primitiveKind(type)) {
    case 'boolean':
      return b[0] !== 0;
    case 'int':
    case 'date':
      return b.readInt32LE(0);
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      // Spark may write 4-byte bounds for a column promoted from int; read what is there.
      return b.length === 4 ? BigInt(b.readInt32LE(0)) : b.readBigInt64LE(0);
    case 'float':
      return b.readFloatLE(0);
    case 'double':
      return b.length === 4 ? b.readFloatLE(0) : b.readDoubleLE(0);
    case 'string':
      return b.toString('utf8');
    case 'uuid': {
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case 'decimal':
      return bytesBEToBig(b);
    case 'fixed':
    case 'binary':
      return new Uint8Array(b);
    default:
      throw new UnsupportedTypeError(type);
  }
}
