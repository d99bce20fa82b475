import type { VersionStore } from './store/types.ts';
import type { CodeLinks, IdempotencyRecords, PendingMerges, ReleasedTables } from './store/companions.ts';
import type { WarehouseIO } from './warehouse/warehouse-io.ts';
import type { LocationPolicy } from './warehouse/location-policy.ts';
import type { Logger } from './observability/logger.ts';
import type { Metrics } from './observability/metrics.ts';
import type { AuthService } from './auth/auth-service.ts';
import type { FileJournal } from './service/storage/file-journal.ts';
import type { DecodedManifests } from './service/scan/decoded-manifests.ts';

/** Everything the HTTP layer and services need, built once at startup and passed down (no globals). */
export interface AppContext {
  store: VersionStore;
  /** The default warehouse; new tables go under `<root>/<namespace path>/<table>-<uuid>` unless a location is given. */
  warehouse: WarehouseIO;
  /** Named warehouses (`?warehouse=` on /v1/config); the default one is also here under its name. */
  warehouses: Map<string, WarehouseIO>;
  /** The storage the catalog owns: every location is confined here before anything is read, written or deleted. */
  locations: LocationPolicy;
  /**
   * Makes provisionally written metadata files durable after their commit (service/storage/file-journal.ts); absent:
   * every metadata file is written durably before its commit.
   */
  fileJournal?: FileJournal;
  /**
   * How long loads trust a metadata file on an object store after this process last saw it exist (milliseconds);
   * undefined: 2 s, 0: a HEAD request on every load. File warehouses check every load regardless.
   */
  metadataRecheckMs?: number;
  /** How much catalog history purge and GC keep reachable (milliseconds); undefined keeps all history. */
  keepHistoryMs?: number;
  /** Secret for signed forge webhooks (GitHub/GitLab/Gitea); webhooks are refused when unset. */
  webhookSecret?: string;
  /** Structured log (request lines, failures). */
  logger: Logger;
  /** Prometheus metrics served at `/metrics`. */
  metrics: Metrics;
  /** Code sha → data hash links and handled webhook deliveries (git lockstep); absent: the git routes answer 503. */
  codeLinks?: CodeLinks;
  /** Forge merges the server could not finish alone, for `rat sync` (git lockstep); absent with `codeLinks`. */
  pendingMerges?: PendingMerges;
  /**
   * Tables unregistered to other catalogs, whose files GC and purges leave alone; absent: `unregister` answers 503
   * (a catalog without the record could later collect files another catalog owns).
   */
  releasedTables?: ReleasedTables;
  /** Outcomes of Iceberg REST mutations by Idempotency-Key; without it the header is ignored and not advertised. */
  idempotency?: IdempotencyRecords;
  /** Manifests decoded for scan plans, kept up to the server's budget; absent: a process-wide default cache. */
  manifestCache?: DecodedManifests;
  /** Rows a row diff may read at the most; absent: `ROW_DIFF_MAX_ROWS`. */
  rowDiffMaxRows?: number;
  /** Authentication and the authorization policy; absent when the server runs without auth (loopback only). */
  auth?: AuthService;
  /** The built web UI (`ui/dist`) served at `/`; absent: no UI. */
  uiDir?: string;
}
