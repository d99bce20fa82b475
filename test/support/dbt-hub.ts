import http from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as tar from 'tar';

/** A package hub on port 0, serving what dbt's hub serves: each package's versions, and their tarballs. */
export interface DbtHub {
  /** The hub's address, for `DBT_PACKAGE_HUB_URL`. */
  url: string;
  /** The paths asked for, in order. */
  requests: string[];
  stop(): Promise<void>;
}

/** A package's versions, each as its files (path → text), `dbt_project.yml` included. */
export type HubPackages = Record<string, Record<string, Record<string, string>>>;

/**
 * Serves `packages` (`owner/name` → version → files) as dbt's hub does: `api/v1/<owner>/<name>.json` lists the
 * versions with the URL of each one's tarball (a `.tar.gz` whose one top folder holds the files, as GitHub's do).
 *
 * @example const hub = await startDbtHub({ 'acme/money': { '1.0.0': { 'dbt_project.yml': 'name: money\n' } } })
 */
export async function startDbtHub(packages: HubPackages): Promise<DbtHub> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'rat-hub-'));
  const tarballs = new Map<string, string>();
  for (const [pkg, versions] of Object.entries(packages)) {
    for (const [version, files] of Object.entries(versions)) {
      const top = `${pkg.replace('/', '-')}-${version}`;
      for (const [f, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(scratch, top, f)), { recursive: true });
        writeFileSync(path.join(scratch, top, f), text);
      }
      const file = path.join(scratch, `${top}.tar.gz`);
      await tar.c({ gzip: true, file, cwd: scratch }, [top]);
      tarballs.set(`/tarballs/${top}.tar.gz`, file);
    }
  }
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const api = /^\/api\/v1\/([\w.-]+\/[\w.-]+)\.json$/.exec(url);
    const versions = api ? packages[api[1]!] : undefined;
    if (versions) {
      const host = `http://${req.headers.host}`;
      const body = {
        name: api![1]!.split('/')[1],
        versions: Object.fromEntries(
          Object.keys(versions).map((v) => [
            v,
            { version: v, downloads: { tarball: `${host}/tarballs/${api![1]!.replace('/', '-')}-${v}.tar.gz` } },
          ]),
        ),
      };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    const tarball = tarballs.get(url);
    if (tarball) {
      res.writeHead(200, { 'Content-Type': 'application/gzip' }).end(readFileSync(tarball));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
