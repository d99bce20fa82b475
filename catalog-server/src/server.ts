import http from 'node:http';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { SqliteVersionStore } from './store/sqlite/sqlite-store.ts';
import { createWarehouseIO } from './warehouse/index.ts';
import type { WarehouseIO } from './warehouse/warehouse-io.ts';

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Holds `catalog.db` and, by default, the warehouse. */
  dataDir?: string;
  /** Default warehouse URI; defaults to `file://<dataDir>/warehouse`. */
  warehouse?: string;
  webhookSecret?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  /** Stops accepting connections, lets in-flight requests finish, then closes SQLite. */
  close(): Promise<void>;
}

/** Server settings as read from the environment (`RAT_*`), for `rat serve` and the docker image. */
export const SERVER_ENV = {
  host: 'RAT_HOST',
  port: 'RAT_PORT',
  dataDir: 'RAT_DATA_DIR',
  warehouse: 'RAT_WAREHOUSE',
  webhookSecret: 'RAT_WEBHOOK_SECRET',
} as const;

export const SERVER_DEFAULTS = { host: '127.0.0.1', port: 8181, dataDir: '.rat' } as const;

/**
 * Starts the catalog server.
 *
 * @example const server = await startServer({ port: 0, dataDir: tmp }); fetch(`${server.url}/api/v2/config`)
 */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? SERVER_DEFAULTS.host;
  const dataDir = path.resolve(opts.dataDir ?? SERVER_DEFAULTS.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const warehouseUri = opts.warehouse ?? pathToFileURL(path.join(dataDir, 'warehouse')).href;
  const warehouse: WarehouseIO = createWarehouseIO(warehouseUri);
  const store = SqliteVersionStore.open(path.join(dataDir, 'catalog.db'));
  const app = createApp({
    store,
    warehouse,
    warehouses: new Map([['default', warehouse]]),
    webhookSecret: opts.webhookSecret,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? SERVER_DEFAULTS.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await store.close();
      })();
      return closing;
    },
  };
}
