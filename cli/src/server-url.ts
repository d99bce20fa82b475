import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import yaml from 'js-yaml';
import { DEFAULT_CATALOG_URL, parseProjectConfig, PROJECT_CONFIG_FILES } from '@ratatouille/git-sync';

/** The one environment variable naming the catalog server, for every command, the hooks and the engine. */
export const SERVER_ENV = 'RAT_SERVER';
/** The old name, still read (with a warning) so existing scripts keep working. */
export const DEPRECATED_SERVER_ENV = 'RAT_CATALOG_URL';

const PRECEDENCE = '--server > RAT_SERVER > rat.yaml catalog.url > http://127.0.0.1:8181';

/** `--server <url>`, with the same help on every command. */
export function serverOption(): Option {
  return new Option('--server <url>', `catalog server URL (${PRECEDENCE})`);
}

let warned = false;

/**
 * The server named by the flag or the environment, without looking at `rat.yaml`; undefined when neither names one.
 * `RAT_CATALOG_URL` still works, with a one-time warning.
 *
 * @example explicitServer(undefined, { RAT_SERVER: 'http://127.0.0.1:18181' }) // 'http://127.0.0.1:18181'
 */
export function explicitServer(flag?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = flag ?? env[SERVER_ENV] ?? env[DEPRECATED_SERVER_ENV];
  if (!flag && !env[SERVER_ENV] && env[DEPRECATED_SERVER_ENV] && !warned) {
    warned = true;
    process.stderr.write(`rat: ${DEPRECATED_SERVER_ENV} is deprecated; set ${SERVER_ENV} instead.\n`);
  }
  return chosen ? chosen.replace(/\/+$/, '') : undefined;
}

/**
 * The catalog server a command talks to: `--server`, else `RAT_SERVER`, else the `catalog.url` of the `rat.yaml`
 * found in this folder or a parent, else `http://127.0.0.1:8181`.
 *
 * @example resolveServer(undefined) // 'http://127.0.0.1:8181' outside a project, with no RAT_SERVER
 */
export function resolveServer(flag?: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return explicitServer(flag, env) ?? projectServer(cwd) ?? DEFAULT_CATALOG_URL;
}

/**
 * Adds `--server` to a command and, before it runs, replaces the option's value by the resolved server, so the
 * command body reads `opts.server` as the one URL to use.
 */
export function withServerOption(cmd: Command): Command {
  return cmd.addOption(serverOption()).hook('preAction', (_root, action) => {
    action.setOptionValue('server', resolveServer(action.opts()['server'] as string | undefined));
  });
}

/** An environment where `RAT_SERVER` carries `--server`, for the lockstep code that reads the environment. */
export function envWithServer(flag?: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const server = explicitServer(flag, env);
  return server ? { ...env, [SERVER_ENV]: server } : env;
}

/** `catalog.url` of the nearest project config up from `cwd`; an unreadable config is left to the lockstep commands. */
function projectServer(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const name of PROJECT_CONFIG_FILES) {
      const file = path.join(dir, name);
      if (!existsSync(file)) continue;
      try {
        const text = readFileSync(file, 'utf8');
        return parseProjectConfig(name.endsWith('.json') ? JSON.parse(text) : yaml.load(text), name).catalogUrl;
      } catch {
        return undefined;
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
