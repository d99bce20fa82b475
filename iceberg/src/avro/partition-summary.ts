import type { ManifestEntry, PartitionFieldType } from './manifest.ts';
import type { FieldSummary } from './manifest-list.ts';
import { toSingleValue, type IcebergPrimitiveValue } from './single-value.ts';

/**
 * The manifest list's `partitions` summaries of a manifest, one per partition field in spec order, computed as
 * Iceberg's writers do over every entry of the manifest (added, existing and deleted): whether any partition value is
 * null, whether any is NaN, and the lowest and highest other value in single-value form (null when there is none).
 * Readers prune whole manifests by them.
 *
 * @example partitionSummaries([{ fieldId: 1000, name: 'day', type: 'date' }], entries)
 * // → [{ containsNull: false, containsNan: false, lowerBound: <…>, upperBound: <…> }]
 */
export function partitionSummaries(partitionType: PartitionFieldType[], entries: ManifestEntry[]): FieldSummary[] {
  return partitionType.map((field) => {
    let containsNull = false;
    let containsNan = false;
    let lower: IcebergPrimitiveValue | undefined;
    let upper: IcebergPrimitiveValue | undefined;
    for (const e of entries) {
      const v = e.dataFile.partition[field.name];
      if (v === null || v === undefined) containsNull = true;
      else if (typeof v === 'number' && Number.isNaN(v)) containsNan = true;
      else {
        if (lower === undefined || compareValues(v, lower) < 0) lower = v;
        if (upper === undefined || compareValues(upper, v) < 0) upper = v;
      }
    }
    return {
      containsNull,
      containsNan,
      lowerBound: lower === undefined ? null : toSingleValue(field.type, lower),
      upperBound: upper === undefined ? null : toSingleValue(field.type, upper),
    };
  });
}

/** Iceberg's order of partition values: numbers by value, strings by UTF-16 code unit, bytes unsigned. */
function compareValues(a: IcebergPrimitiveValue, b: IcebergPrimitiveValue): number {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (a instanceof Uint8Array || b instanceof Uint8Array) return 0; // one field never mixes kinds
  return a < b ? -1 : a > b ? 1 : 0;
}
