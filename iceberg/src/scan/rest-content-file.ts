/**
 * Manifest files in the JSON shapes of the REST scan planning API (`ContentFile`, `FileScanTask`, `ScanTasks`), as
 * Apache Iceberg's Java client 1.11 (`ContentFileParser`, `SingleValueParser`, `RESTFileScanTaskParser`) reads them.
 *
 * Where the Java client and the OpenAPI text part ways, the client wins, since it is what will read the answers:
 *
 * - `lower-bounds` / `upper-bounds`: Java reads them as a `map<int, binary>`, so each value is the bound's single-value
 *   bytes as upper-case hex (the manifest's bytes, untouched). A typed value (a number, an ISO date) fails to parse.
 * - `partition`: an array ordered by the spec's fields, `[]` for an unpartitioned spec (Java also reads an object
 *   keyed by field id, but writes the array). Each value has the JSON form of the field's *result* type, and the
 *   `day` transform's result type is `date` in Java, so a day partition is an ISO date string, not an int.
 * - `float` / `double` values must be JSON floating-point literals (`1.0`, not `1`): Java checks
 *   `isFloatingPointNumber()`. They are returned as `JsonDouble`s; serialize with `stringifyScanJson` (rest-values.ts).
 * - `residual-filter`: Java 1.11 builds a residual evaluator from it without a null check, so a task of a partitioned
 *   spec without one fails when the engine asks for its residual. {@link restFileScanTask} therefore always writes it.
 */
import { FileContent, type DataFile } from '../avro/manifest.ts';
import type { Long } from '../avro/ocf.ts';
import type { IcebergPrimitiveValue } from '../avro/single-value.ts';
import { hex, jsonLong, restValue, type RestPrimitiveJson } from './rest-values.ts';
import { partitionResultType } from './transform-values.ts';

/** A partition field of a partition spec as table metadata JSON writes it. */
export interface PartitionFieldJson {
  'source-id'?: number;
  /** v3 multi-argument transforms; the first source decides the result type. */
  'source-ids'?: number[];
  'field-id'?: number;
  name: string;
  transform: string;
}

/** A partition spec as table metadata JSON writes it. */
export interface PartitionSpecJson {
  'spec-id': number;
  fields: PartitionFieldJson[];
}

/** The spec's `CountMap`: column ids and their counts (longs). */
export interface RestCountMap {
  keys: number[];
  values: Array<number | bigint>;
}

/** Bounds as Java reads them: column ids and the bound's single-value bytes as upper-case hex. */
export interface RestBoundsMap {
  keys: number[];
  values: string[];
}

export type RestFileContent = 'data' | 'position-deletes' | 'equality-deletes';

/** A `ContentFile` (`DataFile`, `PositionDeleteFile` or `EqualityDeleteFile`) ready for `stringifyScanJson`. */
export interface RestContentFile {
  'spec-id': number;
  content: RestFileContent;
  'file-path': string;
  'file-format': string;
  partition: RestPrimitiveJson[];
  'file-size-in-bytes': number | bigint;
  'record-count': number | bigint;
  'column-sizes'?: RestCountMap;
  'value-counts'?: RestCountMap;
  'null-value-counts'?: RestCountMap;
  'nan-value-counts'?: RestCountMap;
  'lower-bounds'?: RestBoundsMap;
  'upper-bounds'?: RestBoundsMap;
  'key-metadata'?: string;
  'split-offsets'?: Array<number | bigint>;
  'equality-ids'?: number[];
  'sort-order-id'?: number;
  'first-row-id'?: number | bigint;
  'referenced-data-file'?: string;
  'content-offset'?: number | bigint;
  'content-size-in-bytes'?: number | bigint;
}

/** A `FileScanTask`: the data file, indexes into the response's `delete-files`, and the residual filter. */
export interface RestFileScanTask {
  'data-file': RestContentFile;
  'delete-file-references'?: number[];
  'residual-filter': unknown;
}

/** The `delete-files` and `file-scan-tasks` members of a plan or tasks response. */
export interface RestScanTasks {
  'delete-files'?: RestContentFile[];
  'file-scan-tasks': RestFileScanTask[];
}

/**
 * Which columns' metrics (column sizes, value/null/NaN counts, bounds) a file carries.
 *
 * - `'none'`: no metric maps at all.
 * - `'all'`: every metric as the manifest has it.
 * - a set of field ids: only those columns (an empty map stays, as Java's filtered copy does).
 */
export type StatsSelection = 'none' | 'all' | ReadonlySet<number>;

/** Field id of the reserved `file_path` column of position delete files. */
export const DELETE_FILE_PATH_FIELD_ID = 2147483546;

export interface RestContentFileContext {
  /** The spec the file was written with (its manifest's spec). */
  spec: PartitionSpecJson;
  /** Primitive type by field id, from {@link schemaFieldTypes}; used for the partition fields' result types. */
  fieldTypes: ReadonlyMap<number, string>;
  /**
   * Metrics to keep. Default: none for data files; for delete files what Java's `DeleteFileIndex` keeps (the
   * `file_path` column of position deletes, the equality ids of equality deletes).
   *
   * The request's `stats-fields` are column *names* (Java's `RESTTableScan` maps its `includeColumnStats(columns)` to
   * names); the caller resolves them to ids. Without `stats-fields` Java's reference server
   * (`CatalogHandlers.planTableScan`) does not call `includeColumnStats`, so its data files carry no metrics: same
   * default here.
   */
  stats?: StatsSelection;
  /** The file's first row id when it was inherited from the manifest list (v3); else the file's own is used. */
  firstRowId?: Long | null;
}

/**
 * The REST `ContentFile` of a manifest entry's file.
 *
 * @example restContentFile(entry.dataFile, { spec, fieldTypes: schemaFieldTypes(schema) })['partition'] // → ['2024-01-15']
 */
export function restContentFile(file: DataFile, ctx: RestContentFileContext): RestContentFile {
  const { spec } = ctx;
  const out: RestContentFile = {
    'spec-id': spec['spec-id'],
    content: restFileContent(file.content),
    'file-path': file.filePath,
    'file-format': file.fileFormat.toLowerCase(),
    partition: restPartition(file.partition, spec, ctx.fieldTypes),
    'file-size-in-bytes': jsonLong(file.fileSizeInBytes),
    'record-count': jsonLong(file.recordCount),
  };
  const stats = ctx.stats ?? defaultStats(file);
  if (stats !== 'none') {
    const keep = stats === 'all' ? undefined : stats;
    setIf(out, 'column-sizes', countMap(file.columnSizes, keep));
    setIf(out, 'value-counts', countMap(file.valueCounts, keep));
    setIf(out, 'null-value-counts', countMap(file.nullValueCounts, keep));
    setIf(out, 'nan-value-counts', countMap(file.nanValueCounts, keep));
    setIf(out, 'lower-bounds', boundsMap(file.lowerBounds, keep));
    setIf(out, 'upper-bounds', boundsMap(file.upperBounds, keep));
  }
  if (file.keyMetadata) out['key-metadata'] = hex(file.keyMetadata);
  if (file.splitOffsets) out['split-offsets'] = file.splitOffsets.map(jsonLong);
  if (file.equalityIds) out['equality-ids'] = [...file.equalityIds];
  if (file.sortOrderId !== null && file.sortOrderId !== undefined) out['sort-order-id'] = file.sortOrderId;
  const firstRowId = ctx.firstRowId ?? file.firstRowId;
  if (firstRowId !== null && firstRowId !== undefined) out['first-row-id'] = jsonLong(firstRowId);
  if (file.content !== FileContent.DATA) {
    if (file.referencedDataFile) out['referenced-data-file'] = file.referencedDataFile;
    if (file.contentOffset !== null && file.contentOffset !== undefined)
      out['content-offset'] = jsonLong(file.contentOffset);
    if (file.contentSizeInBytes !== null && file.contentSizeInBytes !== undefined)
      out['content-size-in-bytes'] = jsonLong(file.contentSizeInBytes);
  }
  return out;
}

/**
 * A `FileScanTask`. `deleteFileReferences` index the `delete-files` of the same response (written only when
 * non-empty, as Java does). `residualFilter` is an expression in the REST `Expression` JSON form (`true` when the
 * partition already decides everything); pass the scan's filter when no residual was computed: Java 1.11 needs one.
 */
export function restFileScanTask(
  dataFile: RestContentFile,
  deleteFileReferences: readonly number[],
  residualFilter: unknown,
): RestFileScanTask {
  if (dataFile.content !== 'data') throw new Error(`a file scan task reads a data file, not ${dataFile.content}`);
  if (residualFilter === undefined)
    throw new Error('a file scan task needs a residual filter (use true or the filter)');
  const task: RestFileScanTask = { 'data-file': dataFile, 'residual-filter': residualFilter };
  if (deleteFileReferences.length > 0) task['delete-file-references'] = [...deleteFileReferences];
  return task;
}

/** One task before its delete references are numbered for a response. */
export interface PlannedTask {
  dataFile: RestContentFile;
  /** Indexes into the `deleteFiles` passed to {@link restScanTasks} (e.g. from `DeleteIndex.forDataFile`). */
  deletes: readonly number[];
  residualFilter: unknown;
}

/**
 * The `delete-files` and `file-scan-tasks` of one response (a page of tasks): only the delete files its tasks use,
 * in their order in `deleteFiles`, with the tasks' references renumbered to them. Java rejects a response that has
 * delete files but no tasks, so a page without tasks has none.
 */
export function restScanTasks(tasks: readonly PlannedTask[], deleteFiles: readonly RestContentFile[]): RestScanTasks {
  const used = [...new Set(tasks.flatMap((t) => t.deletes))].sort((a, b) => a - b);
  const renumbered = new Map<number, number>();
  used.forEach((original, i) => {
    if (!deleteFiles[original]) throw new Error(`delete file ${original} is not among the ${deleteFiles.length} given`);
    renumbered.set(original, i);
  });
  const out: RestScanTasks = {
    'file-scan-tasks': tasks.map((t) =>
      restFileScanTask(
        t.dataFile,
        [...new Set(t.deletes)].sort((a, b) => a - b).map((d) => renumbered.get(d) as number),
        t.residualFilter,
      ),
    ),
  };
  if (used.length > 0) out['delete-files'] = used.map((i) => deleteFiles[i]);
  return out;
}

function restFileContent(content: FileContent): RestFileContent {
  switch (content) {
    case FileContent.DATA:
      return 'data';
    case FileContent.POSITION_DELETES:
      return 'position-deletes';
    case FileContent.EQUALITY_DELETES:
      return 'equality-deletes';
    default:
      throw new Error(`unknown file content ${String(content)}`);
  }
}

function defaultStats(file: DataFile): StatsSelection {
  if (file.content === FileContent.POSITION_DELETES) return new Set([DELETE_FILE_PATH_FIELD_ID]);
  if (file.content === FileContent.EQUALITY_DELETES) return new Set(file.equalityIds ?? []);
  return 'none';
}

function setIf<K extends keyof RestContentFile>(out: RestContentFile, key: K, value: RestContentFile[K] | undefined) {
  if (value !== undefined) out[key] = value;
}

function sortedEntries<V>(map: Map<number, V>, keep: ReadonlySet<number> | undefined): [number, V][] {
  return [...map.entries()].filter(([k]) => keep === undefined || keep.has(k)).sort(([a], [b]) => a - b);
}

function countMap(map: Map<number, Long> | null | undefined, keep: ReadonlySet<number> | undefined) {
  if (!map) return undefined;
  const entries = sortedEntries(map, keep);
  return { keys: entries.map(([k]) => k), values: entries.map(([, v]) => jsonLong(v)) };
}

function boundsMap(map: Map<number, Uint8Array> | null | undefined, keep: ReadonlySet<number> | undefined) {
  if (!map) return undefined;
  const entries = sortedEntries(map, keep);
  return { keys: entries.map(([k]) => k), values: entries.map(([, v]) => hex(v)) };
}

/**
 * The partition tuple as an array ordered by the spec's fields, each value in the JSON form of the field's result
 * type. `partition` is keyed by partition field name, as `decodeManifest` gives it.
 */
export function restPartition(
  partition: Readonly<Record<string, IcebergPrimitiveValue | null>>,
  spec: PartitionSpecJson,
  fieldTypes: ReadonlyMap<number, string>,
): RestPrimitiveJson[] {
  return spec.fields.map((f) => {
    if (!Object.prototype.hasOwnProperty.call(partition, f.name))
      throw new Error(`the file's partition has no field ${f.name} of spec ${spec['spec-id']}`);
    const value = partition[f.name];
    if (value === null) return null;
    const sourceId = f['source-id'] ?? f['source-ids']?.[0];
    return restValue(
      partitionResultType(f.transform, sourceId === undefined ? undefined : fieldTypes.get(sourceId)),
      value,
    );
  });
}

interface SchemaTypeJson {
  type?: string;
  fields?: { id: number; type: unknown }[];
  'element-id'?: number;
  element?: unknown;
  'key-id'?: number;
  key?: unknown;
  'value-id'?: number;
  value?: unknown;
}

/**
 * Primitive type by field id over the given schemas (table metadata JSON), nested fields included. When schemas
 * disagree on a field, the first one listed wins: pass the current schema first.
 */
export function schemaFieldTypes(...schemas: unknown[]): Map<number, string> {
  const out = new Map<number, string>();
  const visit = (id: number | undefined, type: unknown) => {
    if (typeof type === 'string') {
      if (id !== undefined && !out.has(id)) out.set(id, type);
      return;
    }
    const t = type as SchemaTypeJson | null;
    if (!t || typeof t !== 'object') return;
    if (t.type === 'struct') for (const f of t.fields ?? []) visit(f.id, f.type);
    else if (t.type === 'list') visit(t['element-id'], t.element);
    else if (t.type === 'map') {
      visit(t['key-id'], t.key);
      visit(t['value-id'], t.value);
    }
  };
  for (const s of schemas) visit(undefined, s);
  return out;
}
