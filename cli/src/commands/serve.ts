import path from 'node:path';
import { Option, type Command } from 'commander';
import { SERVER_DEFAULTS, SERVER_ENV } from '@ratatouille/catalog-server/settings';
import { DEFAULT_CATALOG_URL } from '@ratatouille/git-sync';
import { explicitServer } from '../server-url.ts';
import { examples } from '../examples.ts';
import { wholeNumber } from '../options.ts';

/** `rat serve`: the catalog server in the foreground until SIGTERM/SIGINT. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('Start the catalog server (Iceberg REST at /iceberg/<ref>, management API at /api/v2)')
    .addHelpText(
      'after',
      examples(
        'rat serve --port 18181 --data-dir /srv/rat',
        'rat serve --port 0                             # a free port, printed at start',
        'rat serve --store postgresql://rat:secret@db.internal/rat --warehouse s3://bucket/warehouse',
      ),
    )
    .addOption(new Option('--host <host>', 'address to bind').env(SERVER_ENV.host).default(SERVER_DEFAULTS.host))
    .addOption(
      new Option('--port <port>', 'port to listen on (0 picks a free one)')
        .env(SERVER_ENV.port)
        .default(String(SERVER_DEFAULTS.port)),
    )
    .addOption(
      new Option('--data-dir <dir>', 'state directory (catalog.db, default warehouse)')
        .env(SERVER_ENV.dataDir)
        .default(SERVER_DEFAULTS.dataDir),
    )
    .addOption(
      new Option(
        '--store <location>',
        'catalog database: postgresql://user:pass@host/db (shared by replicas) or sqlite:<file> (default <data-dir>/catalog.db)',
      ).env(SERVER_ENV.store),
    )
    .addOption(
      new Option('--store-pool-size <n>', 'connections to PostgreSQL per server')
        .env(SERVER_ENV.storePoolSize)
        .default('10'),
    )
    .addOption(
      new Option(
        '--store-query-timeout <duration>',
        'how long a PostgreSQL statement may go unanswered before its connection counts as lost (default 30s)',
      ).env(SERVER_ENV.storeQueryTimeout),
    )
    .addOption(
      new Option('--warehouse <uri>', 'default warehouse (file:///abs/path or s3://bucket/prefix)').env(
        SERVER_ENV.warehouse,
      ),
    )
    .addOption(
      new Option(
        '--warehouses <json-or-file>',
        'more named warehouses for ?warehouse= on /v1/config (inline JSON or a JSON file)',
      ).env(SERVER_ENV.warehouses),
    )
    .addOption(
      new Option(
        '--allowed-locations <uris>',
        'comma-separated extra roots where clients may place tables (besides the warehouse)',
      ).env(SERVER_ENV.allowedLocations),
    )
    .addOption(
      new Option('--keep-history <age>', 'history purge and GC keep reachable: 7d, 12h, all').env(
        SERVER_ENV.keepHistory,
      ),
    )
    .addOption(
      new Option(
        '--metadata-recheck <age>',
        'on S3, trust a metadata file seen this recently instead of a HEAD per load: 2s (default), 0.5s, 0',
      ).env(SERVER_ENV.metadataRecheck),
    )
    .addOption(
      new Option(
        '--manifest-cache-mb <mb>',
        'megabytes of decoded manifests kept for scan planning (default: an eighth of the heap limit, at least 64; 0: none)',
      )
        .env(SERVER_ENV.manifestCacheMb)
        .argParser(wholeNumber(0)),
    )
    .addOption(
      new Option(
        '--row-diff-max-rows <n>',
        'rows a row diff (rat diff --rows, the UI) may read at the most before it is refused (default 250000)',
      )
        .env(SERVER_ENV.rowDiffMaxRows)
        .argParser(wholeNumber(1)),
    )
    .addOption(
      new Option('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent')
        .env(SERVER_ENV.logLevel)
        .default('info'),
    )
    .addOption(
      new Option('--webhook-secret <secret>', 'secret for signed forge webhooks').env(SERVER_ENV.webhookSecret),
    )
    .addOption(
      new Option(
        '--auth <file>',
        'auth config (YAML: clients, roles, protected branches, OIDC); see docs/security.md',
      ).env(SERVER_ENV.auth),
    )
    .addOption(
      new Option(
        '--insecure-no-auth',
        'allow a non-loopback --host without an auth config (anyone who reaches the port may write and delete)',
      ).env(SERVER_ENV.insecureNoAuth),
    )
    .action(
      async (opts: {
        host: string;
        port: string;
        dataDir: string;
        store?: string;
        storePoolSize: string;
        storeQueryTimeout?: string;
        warehouse?: string;
        warehouses?: string;
        allowedLocations?: string;
        keepHistory?: string;
        metadataRecheck?: string;
        manifestCacheMb?: number;
        rowDiffMaxRows?: number;
        logLevel: string;
        webhookSecret?: string;
        auth?: string;
        insecureNoAuth?: boolean;
      }) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new Error(`Invalid port "${opts.port}": give a number from 0 to 65535 (0 picks a free one).`);
        const poolSize = Number(opts.storePoolSize);
        if (!Number.isInteger(poolSize) || poolSize < 1) {
          throw new Error(`Invalid --store-pool-size "${opts.storePoolSize}": give a positive whole number.`);
        }
        // The server is loaded when it is started, not when `rat --help` lists this command.
        const { redactStoreLocation, startServer } = await import('@ratatouille/catalog-server');
        const server = await startServer({
          host: opts.host,
          port,
          dataDir: opts.dataDir,
          store: opts.store,
          storePoolSize: poolSize,
          storeQueryTimeout: opts.storeQueryTimeout,
          warehouse: opts.warehouse,
          warehouses: opts.warehouses,
          webhookSecret: opts.webhookSecret,
          allowedLocations: opts.allowedLocations
            ?.split(',')
            .map((l) => l.trim())
            .filter(Boolean),
          keepHistory: opts.keepHistory,
          metadataRecheck: opts.metadataRecheck,
          manifestCacheMb: opts.manifestCacheMb,
          rowDiffMaxRows: opts.rowDiffMaxRows,
          logLevel: opts.logLevel,
          auth: opts.auth,
          insecureNoAuth: opts.insecureNoAuth === true,
        });
        console.log(`Ratatouille catalog listening on ${server.url}`);
        console.log(`  Iceberg REST: ${server.url}/iceberg (main) or ${server.url}/iceberg/<branch>`);
        console.log(`  Management:   ${server.url}/api/v2`);
        console.log(`  Web UI:       ${server.url}/`);
        console.log(
          `  Catalog:      ${opts.store ? redactStoreLocation(opts.store) : path.join(server.dataDir, 'catalog.db')}`,
        );
        console.log(`  Warehouse:    ${server.warehouse}`);
        console.log(
          opts.auth
            ? `  Auth:         on (${opts.auth}); tokens at ${server.url}/iceberg/v1/oauth/tokens`
            : '  Auth:         off',
        );
        // Every other `rat` command (and the git hooks) looks for 8181 unless told: say how to tell them.
        if (server.url !== DEFAULT_CATALOG_URL && explicitServer() !== server.url) {
          console.log(`Other rat commands and git hooks find this server with: export RAT_SERVER=${server.url}`);
          console.log(`  (or --server ${server.url}, or catalog.url in rat.yaml: rat init --server ${server.url})`);
        }
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          console.log(`Received ${signal}, finishing in-flight requests and closing the catalog...`);
          server.close().then(
            () => process.exit(0),
            (err: unknown) => {
              console.error('Shutdown failed:', err);
              process.exit(1);
            },
          );
        };
        process.on('SIGTERM', () => stop('SIGTERM'));
        process.on('SIGINT', () => stop('SIGINT'));
      },
    );
}
