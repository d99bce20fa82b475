import fs from 'node:fs';
import { Option, type Command } from 'commander';
import yaml from 'js-yaml';
import { envWithServer, resolveServer, serverOption } from '../server-url.ts';
import { connectionEnv, openGitSync, resolveDataRef, type DataRefResolution } from '@ratatouille/git-sync';
import { credentialsFromEnv, ManagementApiError, ManagementClient } from '@ratatouille/catalog-client';
import { RatError, describeError } from '../errors.ts';

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
 * A ref given with `--ref` must exist, and is read-only unless it is a branch at its head: the server refuses writes to
 * a tag or a pinned `ref@hash`, so the settings must say so (PyIceberg, DuckDB's READ_ONLY) rather than let a client
 * find out on its first write. A server that does not answer leaves the ref unchecked, with a warning: the settings
 * are still what the user asked for.
 */
async function checkedRef(server: string, r: DataRefResolution): Promise<DataRefResolution> {
  const pinned = /[@*]/.test(r.ref);
  const name = r.ref.replace(/[@*].*$/, '');
  if (!name) return { ...r, readOnly: true };
  let type: string;
  try {
    type = (await new ManagementClient({ server }).getReference(name)).type;
  } catch (err) {
    if (err instanceof ManagementApiError && err.status === 404) {
      throw new RatError(
        'REFERENCE_NOT_FOUND',
        `data ref "${name}" does not exist on ${server}: pick a branch from \`rat branch list\` or a tag from ` +
          '`rat tag list`, or create it with `rat branch create`',
        1,
        { ref: r.ref, server },
      );
    }
    if (err instanceof ManagementApiError && err.status === 0) {
      process.stderr.write(`rat: ⚠ could not check --ref ${r.ref}: ${describeError(err).message}\n`);
      return { ...r, readOnly: r.readOnly || pinned };
    }
    throw err;
  }
  return { ...r, readOnly: r.readOnly || pinned || type === 'TAG' };
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
    .option(
      '--ref <ref>',
      'use this data ref (branch, tag or branch@hash) instead of the one git-sync resolves; tags and @hash are read-only',
    )
    .option('--catalog-name <name>', 'catalog name in the client configuration', 'rat')
    .addHelpText(
      'after',
      '\nExamples:\n  eval "$(rat env)"                  # PyIceberg: load_catalog() finds the data branch\n' +
        '  rat env --format yaml > ~/.pyiceberg.yaml\n' +
        '  rat env --format spark               # --conf flags to paste after pyspark / spark-sql / spark-submit\n' +
        '  rat env --format duckdb | duckdb',
    )
    .action(async (o: { format: (typeof FORMATS)[number]; ref?: string; catalogName: string; server?: string }) => {
      const here = await dataRefHere(o);
      const catalogUrl = here.catalogUrl;
      const r = o.ref ? await checkedRef(catalogUrl, here.r) : here.r;
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
