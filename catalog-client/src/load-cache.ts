/**
 * Answers of `loadTable` kept by table URL with the server's ETag, so that a client loading the same table again sends
 * `If-None-Match` and, on `304`, reuses the answer it already parsed: an engine run loads a model's table before
 * and after each step and reads its inputs once per model that uses them, and parsing the metadata (every snapshot
 * of the table) is the larger part of a load. The server names the version by its metadata file, so a `304` means the
 * same metadata; answers are frozen, since every caller now shares them.
 */
export class LoadCache<T> {
  private readonly entries = new Map<string, { etag: string; value: T; at: number }>();

  /**
   * @param maxEntries tables kept (the oldest is dropped first)
   * @param maxAgeMs an answer older than this is loaded afresh: its `config` may hold vended credentials, which age
   */
  constructor(
    private readonly maxEntries = 256,
    private readonly maxAgeMs = 5 * 60_000,
  ) {}

  /** The ETag to send for `url`, when a young enough answer is kept. */
  etagFor(url: string, now = Date.now()): string | undefined {
    const e = this.entries.get(url);
    if (e && now - e.at > this.maxAgeMs) this.entries.delete(url);
    return this.entries.get(url)?.etag;
  }

  /** The kept answer, after the server answered `304` to its ETag. */
  reuse(url: string): T | undefined {
    return this.entries.get(url)?.value;
  }

  keep(url: string, etag: string | undefined, value: T, now = Date.now()): void {
    this.entries.delete(url);
    if (!etag) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(url, { etag, value, at: now });
  }
}
