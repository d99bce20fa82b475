/**
 * The text of recently read or written metadata files, by location. Metadata files are immutable (each commit writes
 * a new file under a fresh UUID name and never overwrites one), so a cached text never goes stale; only deleting
 * files (a failed commit's file, a purge) must forget them. Caching the text, not the parsed object, keeps callers
 * free to work on their own copy. Saves a storage round trip on every load and commit: on S3 that round trip is most
 * of a loadTable.
 */
export class MetadataCache {
  private readonly texts = new Map<string, string>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get(location: string): string | undefined {
    const text = this.texts.get(location);
    if (text !== undefined) {
      // Re-insert to mark as most recently used.
      this.texts.delete(location);
      this.texts.set(location, text);
    }
    return text;
  }

  put(location: string, text: string): void {
    if (text.length > this.maxBytes / 4) return;
    this.forget(location);
    this.texts.set(location, text);
    this.bytes += text.length;
    while (this.bytes > this.maxBytes) {
      const oldest = this.texts.keys().next().value as string;
      this.forget(oldest);
    }
  }

  forget(location: string): void {
    const text = this.texts.get(location);
    if (text === undefined) return;
    this.texts.delete(location);
    this.bytes -= text.length;
  }

  forgetPrefix(prefix: string): void {
    const dir = prefix.endsWith('/') ? prefix : `${prefix}/`;
    for (const location of [...this.texts.keys()]) if (location.startsWith(dir)) this.forget(location);
  }
}

/** One cache per warehouse IO object, so separate servers in one process never share entries. */
const caches = new WeakMap<object, MetadataCache>();

export function metadataCacheFor(io: object): MetadataCache {
  let cache = caches.get(io);
  if (!cache) caches.set(io, (cache = new MetadataCache()));
  return cache;
}
