import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PoolStats, WriteStats } from '../store/types.ts';

/**
 * The server's Prometheus metrics, in a registry of its own (several servers may share one process in tests).
 * HTTP metrics are labelled by route pattern, never by raw path, so table names do not explode the label set.
 *
 * @example const m = new Metrics(); m.httpRequests.inc({ method: 'GET', route: '/iceberg/:ref/v1/config', status: '200' })
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'rat_http_requests_total',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'rat_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  /**
   * Plain table reads (loadTable `GET`, tableExists `HEAD`) by who answered them (http/hot-reads.ts): `hot`, ahead of
   * express; `express`, handed over to it because they were not the plain case (auth not plainly granted, an error to
   * answer). A rising `express` share means clients pay the slower path.
   */
  readonly tableReadFrontEnds = new Counter({
    name: 'rat_http_table_read_front_end_total',
    help: 'Plain table reads (request: load or exists) by the front end that answered them: hot (ahead of express) or express (handed over: auth not plainly granted, or an error to answer)',
    labelNames: ['request', 'front_end'] as const,
    registers: [this.registry],
  });

  /**
   * Table commits (updateTable `POST`) by who answered them (http/hot-commits.ts): `hot`, ahead of express (its errors
   * included); `express`, handed over because the caller was not plainly allowed to commit there.
   */
  readonly tableCommitFrontEnds = new Counter({
    name: 'rat_http_table_commit_front_end_total',
    help: 'Plain table commits by the front end that answered them: hot (ahead of express) or express (handed over: auth not plainly granted)',
    labelNames: ['front_end'] as const,
    registers: [this.registry],
  });

  readonly storeOperations = new Histogram({
    name: 'rat_store_operation_duration_seconds',
    help: 'Versioned-store writes (one transaction each) by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });

  readonly merges = new Counter({
    name: 'rat_merges_total',
    help: 'Merges and transplants by kind and outcome (applied, no-op, conflict, dry-run)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Lookups in the metadata file cache (service/iceberg/metadata-cache.ts): the hit rate is hit / (hit + miss). */
  readonly metadataCacheLookups = new Counter({
    name: 'rat_metadata_cache_lookups_total',
    help: 'Metadata file cache lookups by cache (text: file bytes, parsed: parsed table metadata, serialized: a loadTable answer, verified: a recent existence check standing in for a HEAD request) and result',
    labelNames: ['cache', 'result'] as const,
    registers: [this.registry],
  });

  /** Where the store-write counters below are read from at each scrape (`watchStoreWrites`). */
  private readStoreWrites: () => WriteStats | undefined = () => undefined;

  readonly storeWriteTransactions = this.storeWriteCounter(
    'rat_store_write_transactions_total',
    'Database transactions that carried store writes (group commit: writes that arrive together share one)',
    (s) => s.transactions,
  );

  readonly storeWriteItems = this.storeWriteCounter(
    'rat_store_writes_total',
    'Store writes (commits, reference changes) those transactions carried; writes per transaction is the grouping achieved',
    (s) => s.items,
  );

  readonly storeWriteSeconds = this.storeWriteCounter(
    'rat_store_write_transaction_seconds_total',
    "Seconds spent in those transactions, their commit included; on SQLite the serving thread is blocked for them (the rate is the share of its time spent writing), while the WAL's fsync runs on the thread pool, outside this figure",
    (s) => s.seconds,
  );

  readonly walFsyncs = this.storeWriteCounter(
    'rat_store_wal_fsyncs_total',
    "SQLite on disk: fsyncs of the WAL that made write transactions durable off the serving thread (a lone write's fsync runs inside its transaction instead)",
    (s) => s.walFsyncs ?? 0,
  );

  readonly walFsyncSeconds = this.storeWriteCounter(
    'rat_store_wal_fsync_seconds_total',
    'Seconds those fsyncs took; they run one at a time, so a rate near 1 means the disk is flushing all the time and commits wait for it',
    (s) => s.walFsyncSeconds ?? 0,
  );

  /** Where the pool gauges below are read from at each scrape (`watchStorePool`); absent on SQLite. */
  private readStorePool: () => PoolStats | undefined = () => undefined;

  /**
   * PostgreSQL: the connection pool of this server. `waiting` above zero for long means requests queue for a
   * connection (a busy database, or `--store-pool-size` too small for the load); past 15 s they are answered 503.
   */
  readonly storePool = this.storePoolGauge();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'rat_' });
  }

  /** Reads the store's write counts on every scrape (they are kept by the store, not by each request). */
  watchStoreWrites(read: () => WriteStats | undefined): void {
    this.readStoreWrites = read;
  }

  /** Reads the database pool's state on every scrape (PostgreSQL). */
  watchStorePool(read: () => PoolStats | undefined): void {
    this.readStorePool = read;
  }

  private storePoolGauge(): Gauge {
    const read = () => this.readStorePool();
    return new Gauge({
      name: 'rat_store_pool_connections',
      help: 'PostgreSQL connection pool of this server: open, idle and max connections, and requests waiting for one',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const pool = read();
        this.reset();
        if (!pool) return;
        this.set({ state: 'open' }, pool.open);
        this.set({ state: 'idle' }, pool.idle);
        this.set({ state: 'max' }, pool.max);
        this.set({ state: 'waiting' }, pool.waiting);
      },
    });
  }

  private storeWriteCounter(name: string, help: string, value: (s: WriteStats) => number): Counter {
    const read = () => this.readStoreWrites();
    return new Counter({
      name,
      help,
      registers: [this.registry],
      // Runs with the counter as `this`: the store keeps the totals, the counter shows them as they are now.
      collect() {
        const stats = read();
        this.reset();
        if (stats) this.inc(value(stats));
      },
    });
  }
}
