import type { Long } from './ocf.ts';
import { primitiveKind, type IcebergPrimitiveValue } from './single-value.ts';

/**
 * How Iceberg primitive values and types map to Avro in manifests: the Avro type of a partition field, partition
 * values to and from their Avro form, and the Iceberg type of an Avro field found in a writer schema.
 */

export function avroForPrimitive(type: string, fieldId: number): unknown {
  const kind = primitiveKind(type);
  switch (kind) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'string':
      return kind;
    case 'binary':
      return 'bytes';
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'time':
      return { type: 'long', logicalType: 'time-micros' };
    case 'timestamp':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': false };
    case 'timestamptz':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true };
    case 'timestamp_ns':
      return { type: 'long', logicalType: 'timestamp-nanos', 'adjust-to-utc': false };
    case 'timestamptz_ns':
      return { type: 'long', logicalType: 'timestamp-nanos', 'adjust-to-utc': true };
    case 'uuid':
      return { type: 'fixed', name: `uuid_fixed_${fieldId}`, size: 16, logicalType: 'uuid' };
    case 'fixed': {
      const size = Number(/\[(\d+)\]/.exec(type)?.[1]);
      return { type: 'fixed', name: `fixed_${fieldId}`, size };
    }
    case 'decimal': {
      const [precision, scale] = decimalParams(type);
      return {
        type: 'fixed',
        name: `decimal_${fieldId}`,
        size: decimalBytes(precision),
        logicalType: 'decimal',
        precision,
        scale,
      };
    }
    default:
      throw new Error(`Unsupported partition type ${type}`);
  }
}

export function decimalParams(type: string): [number, number] {
  const m = /decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)/.exec(type);
  if (!m) throw new Error(`Not a decimal type: ${type}`);
  return [Number(m[1]), Number(m[2])];
}

/** Bytes needed for a decimal of the given precision as a fixed (Iceberg's rule). */
export function decimalBytes(precision: number): number {
  let n = 1;
  while (Math.pow(2, 8 * n - 1) < Math.pow(10, precision)) n++;
  return n;
}

export function toAvroValue(type: string, v: IcebergPrimitiveValue | null | undefined): unknown {
  if (v === null || v === undefined) return null;
  switch (primitiveKind(type)) {
    case 'uuid':
      return Buffer.from(String(v).replace(/-/g, ''), 'hex');
    case 'fixed':
    case 'binary':
      return Buffer.from(v as Uint8Array);
    case 'decimal': {
      const size = decimalBytes(decimalParams(type)[0]);
      const b = Buffer.alloc(size);
      let x = BigInt(v as bigint);
      for (let i = size - 1; i >= 0; i--) {
        b[i] = Number(x & 0xffn);
        x >>= 8n;
      }
      return b;
    }
    case 'int':
    case 'date':
      return Number(v);
    default:
      return v;
  }
}

export function fromAvroValue(type: string, v: unknown): IcebergPrimitiveValue | null {
  if (v === null || v === undefined) return null;
  switch (primitiveKind(type)) {
    case 'uuid': {
      const h = (v as Buffer).toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case 'fixed':
    case 'binary':
      return new Uint8Array(v as Buffer);
    case 'decimal': {
      const b = v as Buffer;
      let x = 0n;
      for (const byte of b) x = (x << 8n) | BigInt(byte);
      if (b.length > 0 && (b[0] & 0x80) !== 0) x -= 1n << BigInt(8 * b.length);
      return x;
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return BigInt(v as Long);
    default:
      return v as IcebergPrimitiveValue;
  }
}

export function icebergTypeOfAvro(t: unknown): string {
  if (typeof t === 'string') return t === 'bytes' ? 'binary' : t;
  const o = t as { type: string; logicalType?: string; size?: number; precision?: number; scale?: number };
  if (o.logicalType === 'date') return 'date';
  if (o.logicalType === 'time-micros') return 'time';
  if (o.logicalType === 'timestamp-micros')
    return (o as { 'adjust-to-utc'?: boolean })['adjust-to-utc'] ? 'timestamptz' : 'timestamp';
  if (o.logicalType === 'timestamp-nanos')
    return (o as { 'adjust-to-utc'?: boolean })['adjust-to-utc'] ? 'timestamptz_ns' : 'timestamp_ns';
  if (o.logicalType === 'uuid') return 'uuid';
  if (o.logicalType === 'decimal') return `decimal(${o.precision},${o.scale ?? 0})`;
  if (o.type === 'fixed') return `fixed[${o.size}]`;
  return icebergTypeOfAvro(o.type);
}
