import fs from 'node:fs';
import type { Command } from 'commander';
import { envWithServer, serverOption } from '../server-url.ts';
import { connectionEnv, openGitSync, resolveDataRef } from '@ratatouille/git-sync';
import { credentialsFromEnv } from '@ratatouille/catalog-client';

const FORMATS = ['sh', 'json', 'pyiceberg', 'spark', 'duckdb'] as const;

/**
 * `rat env`: connection settings for the data branch of the checked-out code (read-only `branch@hash` on a detached
 * HEAD). `eval "$(rat env)"` sets PyIceberg's variables; `--format spark` prints `--conf` flags; `--format duckdb`
 * prints the ATTACH statement. With `RAT_TOKEN` or `RAT_CLIENT_ID`/`RAT_CLIENT_SECRET` set (a catalog with auth on), the
 * settings include the credential as references to those variables, never their values.
 */
export function register(program: Command): void {
  program
    .command('env')
    .description('print connection settings for the current data branch (PyIceberg env vars, Spark conf, DuckDB)')
    .addOption(serverOption())
    .option('--format <format>', `one of ${FORMATS.join(', ')}`, 'sh')
    .option('--ref <ref>', 'use this data ref instead of the one git-sync resolves')
    .option('--catalog-name <name>', 'catalog name in the client configuration', 'rat')
    .action(async (o: { format: string; ref?: string; catalogName: string; server?: string }) => {
      if (!(FORMATS as readonly string[]).includes(o.format))
        program.error(`--format must be one of ${FORMATS.join(', ')}`);
      const io = await openGitSync({ fs, env: envWithServer(o.server) });
      const r = await resolveDataRef(io, { env: o.ref ? { RAT_DATA_REF: o.ref } : process.env });
      const auth = credentialsFromEnv();
      const c = connectionEnv({
        catalogUrl: io.config.catalogUrl,
        ref: r.ref,
        readOnly: r.readOnly,
        catalogName: o.catalogName,
        auth: auth === undefined ? undefined : 'token' in auth ? 'token' : 'client-credentials',
      });
      // Credentials appear as `${RAT_…}` references: double quotes let the shell expand them where they are used.
      const q = (s: string) => (s.includes('${RAT_') ? `"${s}"` : `'${s.replace(/'/g, `'\\''`)}'`);
      switch (o.format) {
        case 'json':
          console.log(JSON.stringify({ ...c, resolution: r }, null, 2));
          break;
        case 'pyiceberg':
          for (const [k, v] of Object.entries(c.pyiceberg)) console.log(`${k}=${v}`);
          break;
        case 'spark':
          console.log(
            Object.entries(c.spark)
              .map(([k, v]) => `--conf ${k}=${v.includes('${RAT_') ? q(v) : v}`)
              .join(' \\\n'),
          );
          break;
        case 'duckdb':
          console.log(c.duckdb);
          break;
        default:
          console.log(`# data ref ${r.ref}${r.readOnly ? ' (read-only)' : ''}; eval "$(rat env)"`);
          for (const [k, v] of Object.entries(c.pyiceberg)) console.log(`export ${k}=${q(v)}`);
          console.log(`export RAT_ICEBERG_URI=${q(c.uri)}`);
      }
    });
}
