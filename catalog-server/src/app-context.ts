import type { VersionStore } from './store/types.ts';
import type { CodeLinkStore } from './store/sqlite/code-link-store.ts';
import type { WarehouseIO } from './warehouse/warehouse-io.ts';

/** Everything the HTTP layer and services need, built once at startup and passed down (no globals). */
export interface AppContext {
  store: VersionStore;
  /** The default warehouse; new tables go under `<root>/<namespace path>/<table>-<uuid>` unless a location is given. */
  warehouse: WarehouseIO;
  /** Named warehouses (`?warehouse=` on /v1/config); the default one is also here under its name. */
  warehouses: Map<string, WarehouseIO>;
  /** Secret for signed forge webhooks (GitHub/GitLab/Gitea); webhooks are refused when unset. */
  webhookSecret?: string;
  /** Code sha → data hash links and handled webhook deliveries (git lockstep); absent on stores without SQLite. */
  codeLinks?: CodeLinkStore;
  /** The built web UI (`ui/dist`) served at `/`; absent: no UI. */
  uiDir?: string;
}
