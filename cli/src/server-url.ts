import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import {
  configDocument,
  DEFAULT_CATALOG_URL,
  InvalidServerUrlError,
  parseProjectConfig,
  PROJECT_CONFIG_FILES,
  serverUrlProblem,
} from '@ratatouille/git-sync';
import { followedProjectSetting } from './followed-project.ts';

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
 * `RAT_CATALOG_URL` still works, with a one-time warning. A URL that cannot be a server root (no scheme, the Iceberg
 * URI) is refused here, naming where it came from, before any request is built on it.
 *
 * @example explicitServer(undefined, { RAT_SERVER: 'http://127.0.0.1:18181' }) // 'http://127.0.0.1:18181'
 */
export function explicitServer(flag?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = flag ?? env[SERVER_ENV] ?? env[DEPRECATED_SERVER_ENV];
  if (!flag && !env[SERVER_ENV] && env[DEPRECATED_SERVER_ENV] && !warned) {
    warned = true;
    process.stderr.write(`rat: ${DEPRECATED_SERVER_ENV} is deprecated; set ${SERVER_ENV} instead.\n`);
  }
  if (!chosen) return undefined;
  const problem = serverUrlProblem(chosen);
  if (problem) {
    const source = flag ? '--server' : env[SERVER_ENV] ? SERVER_ENV : DEPRECATED_SERVER_ENV;
    throw new InvalidServerUrlError(source, chosen, problem);
  }
  return chosen.replace(/\/+$/, '');
}

/**
 * The catalog server a command talks to: `--server`, else `RAT_SERVER`, else the `catalog.url` of the `rat.yaml`
 * found in this folder or a parent (at a repository's root, the project its hooks follow: `rat.project`), else
 * `http://127.0.0.1:8181`.
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

/**
 * `catalog.url` of the nearest project config up from `cwd`. A config that does not parse is an error here too: falling
 * back to the default server would send the command to another catalog than the project names.
 */
function projectServer(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const url = configServer(dir);
    if (url) return url;
    // At a repository's root: the project its hooks follow, when it lives in a folder below (a monorepo).
    if (existsSync(path.join(dir, '.git'))) {
      const followed = followedProjectSetting(dir);
      const below = followed && configServer(path.resolve(dir, followed));
      if (below) return below;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** `catalog.url` of the project config in `dir`, if it has one. */
function configServer(dir: string): string | undefined {
  for (const name of PROJECT_CONFIG_FILES) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const doc = configDocument(file, text);
    return parseProjectConfig(doc, file).catalogUrl;
  }
  return undefined;
}
