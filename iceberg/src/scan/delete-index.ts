/**
 * Which delete files apply to a data file (Iceberg table spec, "Scan Planning"), looked up per data file from an
 * index built once over a snapshot's live delete files. Follows the spec and Java's `DeleteFileIndex` (1.11):
 *
 * - A deletion vector (a `puffin` position delete) applies only to the data file it references, when its data
 *   sequence number is >= the data file's. When one applies, position delete files are not applied to that data
 *   file (the spec: a DV, when written, already holds the deletes of the older position delete files).
 * - A position delete file applies when its data sequence number is >= the data file's and either it references that
 *   file (its `referenced_data_file`, or in v2 a `file_path` column whose lower and upper bounds are the same path,
 *   as Java reads it) — then no other file — or it references none and has the same spec id and an equal partition
 *   tuple, and its `file_path` bounds, where it has them, take in the data file's path (compared as UTF-8 bytes, code
 *   point order; a truncated bound still holds the paths it stood for). Position deletes are never global: one
 *   written in an unpartitioned spec applies to the data files of that spec only.
 * - An equality delete file applies when its data sequence number is strictly greater than the data file's and it
 *   has the same spec id and an equal partition tuple, or its spec is unpartitioned (global), unless the two files'
 *   column metrics on its equality fields prove that no row can match (as Java prunes them; see equality-overlap.ts,
 *   which is more careful than Java where metrics are in doubt). Without `fields` no equality delete is pruned.
 */
import { FileContent, type DataFile } from '../avro/manifest.ts';
import type { Long } from '../avro/ocf.ts';
import type { IcebergPrimitiveValue } from '../avro/single-value.ts';
import type { PartitionSpecJson } from './rest-content-file.ts';
import { DELETE_FILE_PATH_FIELD_ID } from './rest-content-file.ts';
import { equalityDeleteTest, type EqualityFields, type FileMetrics } from './equality-overlap.ts';

/** A live delete file of a snapshot with its inherited data sequence number and its manifest's spec id. */
export interface DeleteEntry {
  file: DataFile;
  dataSequenceNumber: bigint;
  specId: number;
}

export interface DeleteIndexOptions {
  /**
   * Specs by id, to tell unpartitioned specs (no fields, or only `void` ones, as Java's `isUnpartitioned`) apart.
   * Without them a spec is unpartitioned when the delete file's partition tuple has no fields.
   */
  specs?: ReadonlyMap<number, PartitionSpecJson>;
  /**
   * The table's fields by id over all its schemas (`equalityFields(metadata.schemas)`), to prune equality deletes by
   * column metrics; without them every equality delete in scope applies.
   */
  fields?: EqualityFields;
}

/** Delete files of one group, sorted by data sequence number, with their indexes in the input. */
interface Group {
  seqs: bigint[];
  indexes: number[];
}

function groupOf(entries: { seq: bigint; index: number }[]): Group {
  const sorted = [...entries].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : a.index - b.index));
  return { seqs: sorted.map((e) => e.seq), indexes: sorted.map((e) => e.index) };
}

/** Indexes of the group's files whose sequence number is >= `min` (binary search for the first). */
function atLeast(group: Group | undefined, min: bigint, out: number[]): void {
  if (!group) return;
  let lo = 0;
  let hi = group.seqs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (group.seqs[mid] < min) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < group.indexes.length; i++) out.push(group.indexes[i]);
}

/** Built once per snapshot from its live delete entries; {@link DeleteIndex.forDataFile} is then cheap. */
export class DeleteIndex {
  private readonly dvByPath = new Map<string, { seq: bigint; index: number }>();
  private readonly posByPath = new Map<string, Group>();
  private readonly posByPartition = new Map<string, Group>();
  private readonly eqByPartition = new Map<string, Group>();
  private readonly eqGlobal: Group;
  /** Per delete index, the `file_path` bounds of a partition-scoped position delete file (read when first needed). */
  private readonly pathBounds = new Map<number, { lower?: Buffer; upper?: Buffer }>();
  /** Per delete index, the metrics test of an equality delete file (made when first needed). */
  private readonly eqTests = new Map<number, (data: FileMetrics) => boolean>();

  constructor(
    readonly deletes: readonly DeleteEntry[],
    private readonly options: DeleteIndexOptions = {},
  ) {
    const posByPath = new Map<string, { seq: bigint; index: number }[]>();
    const posByPartition = new Map<string, { seq: bigint; index: number }[]>();
    const eqByPartition = new Map<string, { seq: bigint; index: number }[]>();
    const eqGlobal: { seq: bigint; index: number }[] = [];
    const push = (m: Map<string, { seq: bigint; index: number }[]>, key: string, e: { seq: bigint; index: number }) => {
      const list = m.get(key);
      if (list) list.push(e);
      else m.set(key, [e]);
    };
    deletes.forEach((d, index) => {
      const e = { seq: BigInt(d.dataSequenceNumber), index };
      const f = d.file;
      if (f.content === FileContent.POSITION_DELETES) {
        const path = referencedDataFile(f);
        if (isDeletionVector(f)) {
          if (path === null) throw new Error(`deletion vector ${f.filePath} names no data file`);
          const other = this.dvByPath.get(path);
          if (other) throw new Error(`two deletion vectors for ${path}: delete entries ${other.index} and ${index}`);
          this.dvByPath.set(path, e);
        } else if (path !== null) push(posByPath, path, e);
        else push(posByPartition, partitionKey(d.specId, f.partition), e);
      } else if (f.content === FileContent.EQUALITY_DELETES) {
        if (this.isUnpartitioned(d.specId, f.partition)) eqGlobal.push(e);
        else push(eqByPartition, partitionKey(d.specId, f.partition), e);
      } else {
        throw new Error(`${f.filePath} is a data file, not a delete file`);
      }
    });
    for (const [k, v] of posByPath) this.posByPath.set(k, groupOf(v));
    for (const [k, v] of posByPartition) this.posByPartition.set(k, groupOf(v));
    for (const [k, v] of eqByPartition) this.eqByPartition.set(k, groupOf(v));
    this.eqGlobal = groupOf(eqGlobal);
  }

  private isUnpartitioned(specId: number, partition: Readonly<Record<string, unknown>>): boolean {
    const spec = this.options.specs?.get(specId);
    if (spec) return spec.fields.every((f) => f.transform.trim().toLowerCase() === 'void');
    return Object.keys(partition).length === 0;
  }

  /**
   * Indexes into `deletes` of the delete files that apply to a data file with the given data sequence number,
   * written in spec `specId`; ascending, so the answer is stable.
   */
  forDataFile(
    file: Pick<DataFile, 'filePath' | 'partition'> & FileMetrics,
    dataSequenceNumber: Long,
    specId: number,
  ): number[] {
    const seq = BigInt(dataSequenceNumber);
    const key = partitionKey(specId, file.partition);
    // Equality deletes: strictly newer, i.e. a sequence number >= seq + 1, and not ruled out by column metrics.
    const eq: number[] = [];
    atLeast(this.eqGlobal, seq + 1n, eq);
    atLeast(this.eqByPartition.get(key), seq + 1n, eq);
    const out = this.options.fields ? eq.filter((i) => this.eqTest(i)(file)) : eq;
    const dv = this.dvByPath.get(file.filePath);
    if (dv && dv.seq >= seq) {
      out.push(dv.index);
    } else {
      const scoped: number[] = [];
      atLeast(this.posByPartition.get(key), seq, scoped);
      if (scoped.length > 0) {
        const path = Buffer.from(file.filePath, 'utf8');
        for (const i of scoped) if (this.mayReference(i, path)) out.push(i);
      }
      atLeast(this.posByPath.get(file.filePath), seq, out);
    }
    return out.sort((a, b) => a - b);
  }

  /** Whether position delete file `index` may hold rows of the data file at `path`, by its `file_path` bounds. */
  private mayReference(index: number, path: Buffer): boolean {
    let b = this.pathBounds.get(index);
    if (!b) {
      const f = this.deletes[index].file;
      const lower = f.lowerBounds?.get(DELETE_FILE_PATH_FIELD_ID);
      const upper = f.upperBounds?.get(DELETE_FILE_PATH_FIELD_ID);
      b = { lower: lower && Buffer.from(lower), upper: upper && Buffer.from(upper) };
      this.pathBounds.set(index, b);
    }
    return !(b.lower && Buffer.compare(path, b.lower) < 0) && !(b.upper && Buffer.compare(path, b.upper) > 0);
  }

  private eqTest(index: number): (data: FileMetrics) => boolean {
    let test = this.eqTests.get(index);
    if (!test) this.eqTests.set(index, (test = equalityDeleteTest(this.deletes[index].file, this.options.fields)));
    return test;
  }
}

/** A v3 deletion vector: a position delete stored in a Puffin file. */
export function isDeletionVector(file: DataFile): boolean {
  return file.content === FileContent.POSITION_DELETES && file.fileFormat.toLowerCase() === 'puffin';
}

/**
 * The one data file a position delete file applies to: its `referenced_data_file`, or else (v2 writers) its
 * `file_path` column when the lower and upper bounds hold the same path; `null` for a partition-scoped file.
 */
export function referencedDataFile(file: DataFile): string | null {
  if (file.content !== FileContent.POSITION_DELETES) return null;
  if (file.referencedDataFile) return file.referencedDataFile;
  const lower = file.lowerBounds?.get(DELETE_FILE_PATH_FIELD_ID);
  const upper = file.upperBounds?.get(DELETE_FILE_PATH_FIELD_ID);
  if (!lower || !upper || !Buffer.from(lower).equals(Buffer.from(upper))) return null;
  return Buffer.from(lower).toString('utf8');
}

/**
 * A key equal for equal (spec id, partition tuple) pairs: values by field name in the order `decodeManifest` gives
 * (the spec's), integers compared by value whether number or bigint, bytes by content.
 */
export function partitionKey(
  specId: number,
  partition: Readonly<Record<string, IcebergPrimitiveValue | null>>,
): string {
  const parts = Object.values(partition).map((v) => {
    if (v === null || v === undefined) return 'n';
    if (typeof v === 'bigint') return `i${v}`;
    if (typeof v === 'number') return Number.isInteger(v) ? `i${BigInt(v)}` : `d${v}`;
    if (typeof v === 'boolean') return v ? 't' : 'f';
    if (typeof v === 'string') return `s${v}`;
    return `b${Buffer.from(v).toString('hex')}`;
  });
  return JSON.stringify([specId, ...parts]);
}
