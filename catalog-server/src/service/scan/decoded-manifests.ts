import { getHeapStatistics } from 'node:v8';
import type { ManifestEntry } from '@ratatouille/iceberg';

/**
 * Manifests recently decoded for scan plans, by path and length, up to a budget of memory (least recently used
 * dropped first; a manifest's size is estimated from its entries and their column stats, which dominate it). Decoding is most of a plan's cost (Avro records into objects, about 15 µs an entry here), and the
 * same manifests are read again and again: by the plan tasks of one large manifest, fetched in parallel, by each
 * task's delete manifests, and by the next scan of the same table. Manifest files are written once under fresh names
 * and never changed, so an entry cannot go stale; the length in the key keeps a file rewritten in place by a client
 * with storage keys from being served from the cache. Two requests for one manifest share one read.
 *
 * @example const entries = await decodedManifests.get(m.manifestPath, m.manifestLength, () => readAndDecode(m))
 */
export class DecodedManifests {
  private readonly cached = new Map<string, { bytes: number; value: Promise<ManifestEntry[]> }>();
  private total = 0;

  constructor(private readonly budget: number) {}

  get(path: string, length: number | bigint, load: () => Promise<ManifestEntry[]>): Promise<ManifestEntry[]> {
    const key = `${length}:${path}`;
    const hit = this.cached.get(key);
    if (hit) {
      this.cached.delete(key);
      this.cached.set(key, hit);
      return hit.value;
    }
    const slot = { bytes: 0, value: load() };
    this.cached.set(key, slot);
    slot.value.then(
      (entries) => {
        if (this.cached.get(key) !== slot) return;
        slot.bytes = estimatedBytes(entries);
        this.total += slot.bytes;
        this.evict();
      },
      () => {
        // A failed read (missing file, storage down) is not remembered: the next plan tries again.
        if (this.cached.get(key) === slot) this.cached.delete(key);
      },
    );
    return slot.value;
  }

  /** Estimated bytes held now. */
  get size(): number {
    return this.total;
  }

  private evict(): void {
    for (const [key, slot] of this.cached) {
      if (this.total <= this.budget) return;
      this.cached.delete(key);
      this.total -= slot.bytes;
    }
  }
}

/**
 * What decoded entries take in memory, roughly: a base per entry and its path, and each value of its column stats
 * maps. Measured against the heap a decoded manifest of 20,000 entries keeps alive (five stats maps, 80-character
 * paths): 1.67 / 1.87 / 3.68 / 9.53 KB an entry with stats of 1 / 2 / 8 / 20 columns, which this puts at 1.48 / 1.88 /
 * 4.28 / 9.08 KB (a Map's table grows in steps, so no one per-value figure fits every width).
 */
export function estimatedBytes(entries: readonly ManifestEntry[]): number {
  let bytes = 0;
  for (const e of entries) {
    const f = e.dataFile;
    const maps = [f.columnSizes, f.valueCounts, f.nullValueCounts, f.nanValueCounts, f.lowerBounds, f.upperBounds];
    bytes += ENTRY_BYTES + 2 * f.filePath.length + 80 * maps.reduce((n, m) => n + (m?.size ?? 0), 0);
  }
  return bytes;
}

const ENTRY_BYTES = 900;

const MB = 1024 * 1024;

/**
 * The budget a server gets unless told otherwise (`--manifest-cache-mb`): an eighth of the JavaScript heap the process
 * may grow to (Node sizes that by the machine's or container's memory: 4 GB heaps give 512 MB), at least 64 MB. A
 * table's plans stop decoding its manifests once all of them fit: 100,000 entries of a two-column table take about
 * 190 MB (docs/performance-log.md, "A manifest cache the size of the table").
 */
export function defaultManifestCacheBytes(heapLimitBytes = getHeapStatistics().heap_size_limit): number {
  return Math.max(64 * MB, Math.floor(heapLimitBytes / 8 / MB) * MB);
}

/** The cache of callers that bring none of their own (a server brings its own, sized by its settings). */
export const decodedManifests = new DecodedManifests(defaultManifestCacheBytes());
