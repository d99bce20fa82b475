/**
 * Helpers for the git lockstep tests: real git repositories in fresh temp dirs driven by the real `git` binary, the
 * `rat` CLI as a child process, and a catalog server in this process. Children are spawned asynchronously: the
 * server answers the hooks from this very event loop, so a synchronous spawn would deadlock.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RAT_BIN } from './support/rat-cli.ts';
import { startTestServer, type TestServer } from './support/server.ts';

export { RAT_BIN };

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** git and the hooks it runs see only this repository's config, never the machine user's. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...extra };
  for (const k of ['RAT_SERVER', 'RAT_CATALOG_URL', 'RAT_DATA_REF', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) {
    if (!(k in extra)) delete env[k];
  }
  return env;
}

export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; input?: string },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: childEnv(opts.env),
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (opts.input !== undefined) {
      child.stdin!.on('error', () => undefined); // a child that exits without reading its stdin
      child.stdin!.end(opts.input);
    }
  });
}

export class Repo {
  constructor(readonly dir: string) {}

  static async create(prefix = 'rat-git-'): Promise<Repo> {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    const repo = new Repo(dir);
    await repo.ok('init', '-q', '-b', 'main');
    await repo.ok('config', 'user.email', 'dev@example.com');
    await repo.ok('config', 'user.name', 'Dev');
    await repo.ok('config', 'commit.gpgsign', 'false');
    writeFileSync(path.join(dir, 'README.md'), '# project\n');
    await repo.ok('add', 'README.md');
    await repo.ok('commit', '-q', '-m', 'initial commit');
    return repo;
  }

  git(...args: string[]): Promise<Run> {
    return run('git', args, { cwd: this.dir });
  }

  /** Runs git and fails the test with its output when git fails. */
  async ok(...args: string[]): Promise<Run> {
    const r = await this.git(...args);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  rat(args: string[], env: Record<string, string> = {}): Promise<Run> {
    return run(process.execPath, [RAT_BIN, ...args], { cwd: this.dir, env });
  }

  async head(ref = 'HEAD'): Promise<string> {
    return (await this.ok('rev-parse', ref)).stdout.trim();
  }

  /** Writes a file and commits it. */
  async commitFile(name: string, content: string, message = `edit ${name}`): Promise<Run> {
    writeFileSync(path.join(this.dir, name), content);
    await this.ok('add', name);
    return this.ok('commit', '-q', '-m', message);
  }
}

/** The catalog's management API, as the tests look at it. */
export class Catalog {
  /** `headers` go with every call (a bearer token for a catalog with auth on). */
  constructor(
    readonly url: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async call(
    method: string,
    p: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: any }> {
    const all = { ...this.headers, ...headers };
    const res = await fetch(`${this.url}${p}`, {
      method,
      headers: body === undefined ? all : { 'content-type': 'application/json', ...all },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** The head hash of a reference, or undefined when it does not exist. */
  async head(name: string): Promise<string | undefined> {
    const r = await this.call('GET', `/api/v2/trees/${encodeURIComponent(name)}`);
    return r.status === 200 ? (r.body.reference.hash as string) : undefined;
  }

  async ref(name: string): Promise<{ type: string; name: string; hash: string } | undefined> {
    const r = await this.call('GET', `/api/v2/trees/${encodeURIComponent(name)}`);
    return r.status === 200 ? r.body.reference : undefined;
  }

  /** Table names (`ns.table`) at a ref spec (`main`, `main@hash`). */
  async tables(ref: string): Promise<string[]> {
    const r = await this.call('GET', `/api/v2/trees/${encodeURIComponent(ref)}/entries`);
    if (r.status !== 200) throw new Error(`entries of ${ref}: ${r.status} ${JSON.stringify(r.body)}`);
    return (r.body.entries as Array<{ type: string; name: { elements: string[] } }>)
      .filter((e) => e.type === 'ICEBERG_TABLE')
      .map((e) => e.name.elements.join('.'))
      .sort();
  }

  async history(ref: string): Promise<Array<{ hash: string; message: string; properties: Record<string, string> }>> {
    const r = await this.call('GET', `/api/v2/trees/${encodeURIComponent(ref)}/history`);
    return (r.body.logEntries as Array<{ commitMeta: any }>).map((e) => ({
      hash: e.commitMeta.hash,
      message: e.commitMeta.message,
      properties: Object.fromEntries(
        Object.entries(e.commitMeta.allProperties ?? {}).map(([k, v]) => [k, (v as string[]).at(-1)!]),
      ),
    }));
  }

  async link(sha: string): Promise<{ dataRef: string; dataHash: string } | undefined> {
    const r = await this.call('GET', `/api/v2/git/links/${sha}`);
    return r.status === 200 ? r.body : undefined;
  }

  /** Puts a table entry straight through the management API (no data files): enough to make merges meaningful. */
  async putTable(branch: string, table: string, metadataLocation: string): Promise<string> {
    const head = await this.head(branch);
    const r = await this.call('POST', `/api/v2/trees/${encodeURIComponent(`${branch}@${head}`)}/history/commit`, {
      commitMeta: { message: `put ${table}` },
      operations: [
        {
          type: 'PUT',
          key: { elements: table.split('.') },
          content: { type: 'ICEBERG_TABLE', metadataLocation, snapshotId: 1, schemaId: 0, specId: 0, sortOrderId: 0 },
        },
      ],
    });
    if (r.status !== 200) throw new Error(`put ${table} on ${branch}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.targetBranch.hash;
  }
}

export interface LockstepFixture {
  server: TestServer;
  catalog: Catalog;
  repo: Repo;
}

/**
 * Registers mocha hooks for the enclosing `describe`: before its tests, a server on port 0 and a fresh repository
 * (optionally filled with a copy of `copy`) set up with `rat init` against it and committed; after them, both are
 * removed. The returned object's fields are set in that `before` hook.
 *
 * @example const t = useLockstepRepo(); it('…', async () => { await t.repo.ok('checkout', '-b', 'x') })
 */
export function useLockstepRepo(
  o: {
    prefix?: string;
    copy?: string;
    server?: Parameters<typeof startTestServer>[0];
    /** Appended to the `rat.yaml` that `rat init` wrote, before the first commit (e.g. a `branches:` section). */
    config?: string;
  } = {},
): LockstepFixture {
  const t = {} as LockstepFixture;
  before(async () => {
    t.server = await startTestServer(o.server);
    t.catalog = new Catalog(t.server.url);
    t.repo = await Repo.create(o.prefix);
    if (o.copy) cpSync(o.copy, t.repo.dir, { recursive: true });
    const r = await t.repo.rat(['init', '--server', t.server.url]);
    assert.equal(r.code, 0, r.stderr);
    if (o.config) appendFileSync(path.join(t.repo.dir, 'rat.yaml'), o.config);
    await t.repo.ok('add', '.');
    await t.repo.ok('commit', '-q', '-m', 'rat init');
  });
  after(async () => {
    await t.server?.stop();
    if (t.repo) rmSync(t.repo.dir, { recursive: true, force: true });
  });
  return t;
}
