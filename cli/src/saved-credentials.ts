import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CatalogCredentials } from '@ratatouille/catalog-client';

type Saved = { servers: Record<string, { clientId: string; clientSecret: string }> };

/**
 * Where `rat login` keeps client credentials: the user's config folder (`$XDG_CONFIG_HOME/ratatouille`, default
 * `~/.config/ratatouille`), never the repository, readable by the user only.
 */
export function savedCredentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CONFIG_HOME'] || path.join(env['HOME'] || os.homedir(), '.config');
  return path.join(base, 'ratatouille', 'credentials.json');
}

const key = (server: string) => server.replace(/\/+$/, '');

function read(file: string): Saved {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Saved>;
    return { servers: parsed.servers ?? {} };
  } catch {
    return { servers: {} };
  }
}

/** @example savedCredentials('http://127.0.0.1:8181') // { clientId: 'etl', clientSecret: '…' } or undefined */
export function savedCredentials(server: string, file = savedCredentialsFile()): CatalogCredentials | undefined {
  return read(file).servers[key(server)];
}

/** Saves (or, with `undefined`, forgets) a server's credentials; the file is replaced atomically, mode 0600. */
export function saveCredentials(
  server: string,
  creds: { clientId: string; clientSecret: string } | undefined,
  file = savedCredentialsFile(),
): void {
  const saved = read(file);
  if (creds) saved.servers[key(server)] = creds;
  else delete saved.servers[key(server)];
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
