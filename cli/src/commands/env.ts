import fs from 'node:fs';
import { Option, type Command } from 'commander';
import yaml from 'js-yaml';
import { envWithServer, resolveServer, serverOption } from '../server-url.ts';
import { connectionEnv, openGitSync, resolveDataRef, type DataRefResolution } from '@ratatouille/git-sync';
import { credentialsFromEnv } from '@ratatouille/catalog-client';

const FORMATS = ['sh', 'json', 'pyiceberg', 'yaml', 'spark', 'duckdb'] as const;

/**
 * The data ref of the checked-out code and the server of its project; outside a git repository, `--ref` (else
 * `main`) on the server `--server` / `RAT_SERVER` names, as `rat run` does there.
 */
async function dataRefHere(o: {
  ref?: string;
  server?: string;
}): Promise<{ catalogUrl: string; r: DataRefResolution }> {
  try {
    const io = await openGitSync({ fs, env: envWithServer(o.server) });
    const r = await resolveDataRef(io, { env: o.ref ? { RAT_DATA_REF: o.ref } : process.env });
    return { catalogUrl: io.config.catalogUrl, r };
  } catch (err) {
    if ((err as { code?: string }).code !== 'NOT_A_GIT_REPOSITORY') throw err;
    const ref = o.ref ?? process.env['RAT_DATA_REF'] ?? 'main';
    const readOnly = /[@*]/.test(ref);
    const r: DataRefResolution = {
      ref,
      dataBranch: ref.replace(/[@*].*$/, ''),
      readOnly,
      approximate: false,
      why: 'override',
    };
    if (!o.ref && !process.env['RAT_DATA_REF']) r.why = 'default-branch';
    return { catalogUrl: resolveServer(o.server), r };
  }
}

/**
 * `rat env`: connection settings for the data branch of the checked-out code (read-only `branch@hash` on a detached
 * HEAD). `eval "$(rat env)"` sets PyIceberg's variables; `--format yaml` prints a `.pyiceberg.yaml`; `--format spark`
 * prints complete `--conf` flags for spark-submit / spark-sql / pyspark; `--format duckdb` the statements that attach
 * the catalog. With `RAT_TOKEN` or `RAT_CLIENT_ID`/`RAT_CLIENT_SECRET` set (a catalog with auth on), the
 * settings include the credential as references to those variables, never their values.
 */
export function register(program: Command): void {
  program
    .command('env')
    .description('Print connection settings for the current data branch (PyIceberg, Spark, DuckDB)')
    .addOption(serverOption())
    .addOption(
      new Option(
        '--format <format>',
        'sh: export lines for eval; pyiceberg: env lines; yaml: a .pyiceberg.yaml; spark: --conf flags; duckdb: SQL',
      )
        .choices(FORMATS)
        .default('sh'),
    )
    .option('--ref <ref>', 'use this data ref instead of the one git-sync resolves')
    .option('--catalog-name <name>', 'catalog name in the client configuration', 'rat')
    .addHelpText(
      'after',
      '\nExamples:\n  eval "$(rat env)"                  # PyIceberg: load_catalog() finds the data branch\n' +
        '  rat env --format yaml > ~/.pyiceberg.yaml\n' +
        '  rat env --format spark               # --conf flags to paste after pyspark / spark-sql / spark-submit\n' +
        '  rat env --format duckdb | duckdb',
    )
    .action(async (o: { format: (typeof FORMATS)[number]; ref?: string; catalogName: string; server?: string }) => {
      const { catalogUrl, r } = await dataRefHere(o);
      const auth = credentialsFromEnv();
      const c = connectionEnv({
        catalogUrl,
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
        case 'yaml': {
          const text = yaml.dump(c.pyicebergYaml);
          if (text.includes('${RAT_'))
            console.log('# replace the ${…} placeholders with their values; never commit them');
          process.stdout.write(text);
          break;
        }
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
