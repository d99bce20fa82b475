import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { AuthConfigError, SERVER_ENV, S3_ENV, hashSecret, parseAuthConfig } from '@ratatouille/catalog-server';
import { runChecked, runProcess } from './support/clients/index.ts';
import { ensureDockerCompose } from './support/compose/docker-compose.ts';
import { startS3Server, type S3TestServer } from './support/s3/versitygw.ts';
import { http } from './support/server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const ENV_EXAMPLE = path.join(ROOT, '.env.example');
const DOCKERFILE = path.join(ROOT, 'Dockerfile');
const AUTH_EXAMPLE = path.join(ROOT, 'auth.example.yaml');

/** auth.example.yaml with each client's placeholder replaced by the hash of `<id>-test-secret`, as a user would. */
function filledAuthExample(): string {
  const doc = yaml.load(readFileSync(AUTH_EXAMPLE, 'utf8')) as { clients: Array<Record<string, unknown>> };
  for (const c of doc.clients) c['secret-sha256'] = hashSecret(`${String(c['id'])}-test-secret`);
  return yaml.dump(doc);
}

interface ComposeService {
  image?: string;
  build?: { context: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: Array<{ published: number | string; target: number }>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

interface ComposeConfig {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Dockerfile instructions of the final stage (and how many stages there are), continuation lines joined. */
function parseDockerfile(text: string): { stages: number; final: Array<{ op: string; args: string }> } {
  const joined = text.replace(/\\\n/g, ' ');
  const lines = joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  let stages = 0;
  let final: Array<{ op: string; args: string }> = [];
  for (const line of lines) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const op = m[1]!.toUpperCase();
    if (op === 'FROM') {
      stages++;
      final = [];
    }
    final.push({ op, args: m[2]!.trim() });
  }
  return { stages, final };
}

function jsonArray(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  assert.ok(Array.isArray(parsed), `expected exec form, got ${args}`);
  return parsed as string[];
}

/** `rat serve --help` from the real CLI: its flags and the env names commander reads for them. */
async function serveHelp(): Promise<{ flags: string[]; envNames: string[] }> {
  const r = await runChecked(process.execPath, [path.join(ROOT, 'cli/bin/rat.js'), 'serve', '--help'], { cwd: ROOT });
  const text = r.stdout.replace(/\s+/g, ' ');
  return {
    flags: [...text.matchAll(/(--[a-z][a-z-]*)/g)].map((m) => m[1]!),
    envNames: [...text.matchAll(/env: ([A-Z0-9_]+)/g)].map((m) => m[1]!),
  };
}

function parseEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

describe('docker compose stack', function () {
  this.timeout(600_000);
  let compose: string;
  let config: ComposeConfig;
  const envExample = parseEnvFile(ENV_EXAMPLE);

  before(async () => {
    compose = await ensureDockerCompose();
    // Only PATH: no stray .env values or exported variables may leak into the rendering.
    const r = await runChecked(compose, ['--env-file', ENV_EXAMPLE, '-f', COMPOSE_FILE, 'config'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
    });
    config = yaml.load(r.stdout) as ComposeConfig;
  });

  it('is valid for docker-compose 1.29 with .env.example and names the three services', () => {
    assert.deepEqual(Object.keys(config.services).sort(), ['catalog', 'create-bucket', 'minio']);
  });

  it('refuses to render without the credentials (nothing secret has a default)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-compose-'));
    try {
      const empty = path.join(dir, 'empty.env');
      writeFileSync(empty, '');
      const r = await runProcess(compose, ['--env-file', empty, '-f', COMPOSE_FILE, 'config'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '' },
      });
      assert.notEqual(r.code, 0);
      const raw = readFileSync(COMPOSE_FILE, 'utf8');
      assert.ok(!raw.includes(envExample['MINIO_ROOT_PASSWORD']!), 'the example secret is hard-coded in compose');
      assert.ok(!readFileSync(DOCKERFILE, 'utf8').includes(envExample['MINIO_ROOT_PASSWORD']!));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds a small multi-stage, non-root image with a /healthz health check and data on a volume', () => {
    const { stages, final } = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
    assert.ok(stages >= 2, 'multi-stage');
    const get = (op: string) => final.filter((i) => i.op === op).map((i) => i.args);
    assert.match(get('FROM')[0]!, /-slim\b/);
    const user = get('USER').at(-1);
    assert.ok(user && !['root', '0'].includes(user.split(':')[0]!), `final USER is ${user}`);
    const env = Object.fromEntries(
      get('ENV').flatMap((a) => [...a.matchAll(/([A-Z0-9_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
    );
    for (const name of Object.keys(env).filter((n) => n.startsWith('RAT_'))) {
      assert.ok((Object.values(SERVER_ENV) as string[]).includes(name), `${name} is not read by the server`);
    }
    const volumes = get('VOLUME').flatMap((a) => jsonArray(a));
    assert.ok(
      volumes.includes(env[SERVER_ENV.dataDir]!),
      `${SERVER_ENV.dataDir} ${env[SERVER_ENV.dataDir]} on a volume`,
    );
    assert.ok(get('EXPOSE').some((a) => a.split(/\s+/).includes(env[SERVER_ENV.port]!)));
    const health = get('HEALTHCHECK').join(' ');
    assert.match(health, /\/healthz/);
    assert.ok(health.includes(SERVER_ENV.port), 'health check follows the configured port');
    const entrypoint = jsonArray(get('ENTRYPOINT').at(-1)!);
    assert.deepEqual(entrypoint, ['node', 'cli/bin/rat.js']);
    assert.ok(existsSync(path.join(ROOT, entrypoint[1]!)));
    assert.deepEqual(jsonArray(get('CMD').at(-1)!), ['serve']);
  });

  it('copies the sources of every workspace the CLI imports into the image and builds its bundle there', () => {
    const { final } = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
    const copied = final.filter((i) => i.op === 'COPY').map((i) => i.args);
    const cli = JSON.parse(readFileSync(path.join(ROOT, 'cli', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const workspaces = Object.keys(cli.dependencies)
      .filter((d) => d.startsWith('@ratatouille/'))
      .map((d) => d.slice('@ratatouille/'.length));
    for (const ws of [...workspaces, 'cli']) assert.ok(copied.includes(`${ws}/ ${ws}/`), `COPY ${ws}/ ${ws}/`);
    const ignore = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const ws of workspaces) assert.ok(!ignore.includes(ws), `.dockerignore leaves ${ws} out`);
    // Built after the sources are copied, so bin/rat.js finds it current; a local build is never copied in.
    const runs = final.map((i, n) => ({ ...i, n })).filter((i) => i.op === 'RUN');
    const build = runs.find((i) => i.args.includes('cli/scripts/bundle.ts'));
    assert.ok(build, 'the image builds the CLI bundle');
    const lastCopy = Math.max(...final.map((i, n) => (i.op === 'COPY' ? n : -1)));
    assert.ok(build.n > lastCopy, 'the bundle is built after every source is copied');
    assert.ok(ignore.includes('cli/dist'), '.dockerignore keeps a local bundle out');
  });

  it('copies every workspace manifest before npm ci, and .dockerignore keeps secrets and local state out', () => {
    const text = readFileSync(DOCKERFILE, 'utf8');
    const workspaces = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] })
      .workspaces;
    for (const ws of workspaces) assert.ok(text.includes(`COPY ${ws}/package.json ${ws}/`), ws);
    const ignore = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.env', '.git', '**/node_modules', '.rat']) assert.ok(ignore.includes(entry), entry);
  });

  it('runs the catalog with a command, env names, port and volume the server actually reads', async () => {
    const catalog = config.services['catalog']!;
    const help = await serveHelp();
    // The CLI and SERVER_ENV agree (both are code, not a copy here).
    for (const name of help.envNames) assert.ok((Object.values(SERVER_ENV) as string[]).includes(name), name);
    assert.deepEqual(catalog.command, ['serve']);
    for (const arg of catalog.command!.slice(1)) {
      if (arg.startsWith('--')) assert.ok(help.flags.includes(arg.split('=')[0]!), `unknown flag ${arg}`);
    }
    const known = new Set([...help.envNames, ...Object.values(S3_ENV)]);
    const env = catalog.environment!;
    for (const name of Object.keys(env)) assert.ok(known.has(name), `${name} is read by nothing`);
    for (const name of [SERVER_ENV.host, SERVER_ENV.port, SERVER_ENV.dataDir, SERVER_ENV.warehouse]) {
      assert.ok(env[name] !== undefined, `${name} is set`);
    }
    assert.equal(env[SERVER_ENV.host], '0.0.0.0', 'reachable from outside the container');
    assert.ok(catalog.ports!.some((p) => String(p.target) === env[SERVER_ENV.port]));
    const dataVolume = catalog.volumes!.find((v) => v.split(':')[1] === env[SERVER_ENV.dataDir]);
    assert.ok(dataVolume, `${env[SERVER_ENV.dataDir]} is a volume`);
    assert.ok(config.volumes && dataVolume.split(':')[0]! in config.volumes, 'named volume declared');
    assert.ok(catalog.build, 'built from the Dockerfile');
  });

  it('ships with auth on: the config is mounted read-only, and the template is refused until its hashes are set', () => {
    const catalog = config.services['catalog']!;
    const target = catalog.environment![SERVER_ENV.auth];
    assert.ok(target, `${SERVER_ENV.auth} is set`);
    const mount = catalog.volumes!.find((v) => v.split(':')[1] === target);
    assert.ok(mount?.endsWith(':ro'), `${target} is mounted read-only`);
    assert.throws(() => parseAuthConfig(readFileSync(AUTH_EXAMPLE, 'utf8')), AuthConfigError);
    const filled = parseAuthConfig(filledAuthExample());
    assert.ok(filled.protected.includes('main'));
    assert.ok(filled.clients.some((c) => c.roles.includes('admin')));
  });

  it('wires the catalog to MinIO: same keys, reachable endpoint, bucket created first', () => {
    const { minio, catalog, 'create-bucket': mk } = config.services as Record<string, ComposeService>;
    const env = catalog!.environment!;
    const m = minio!.environment!;
    assert.equal(env[S3_ENV.accessKeyId], m['MINIO_ROOT_USER']);
    assert.equal(env[S3_ENV.secretAccessKey], m['MINIO_ROOT_PASSWORD']);
    assert.ok(env[S3_ENV.region]);
    const endpoint = new URL(env[S3_ENV.endpointS3]!);
    assert.equal(endpoint.hostname, 'minio', 'the S3 service by its compose name');
    const minioCommand = minio!.command!;
    const address = minioCommand[minioCommand.indexOf('--address') + 1]!;
    assert.equal(address, `:${endpoint.port}`);
    const published = minio!.ports!.find((p) => String(p.target) === endpoint.port);
    assert.ok(published, 'S3 port published for host clients');
    assert.equal(new URL(env[S3_ENV.clientEndpoint]!).port, String(published.published));
    const bucket = /^s3:\/\/([^/]+)/.exec(env[SERVER_ENV.warehouse]!)?.[1];
    assert.equal(bucket, mk!.environment!['RAT_BUCKET']);
    assert.match(mk!.command!.join(' '), /mc mb .*\$\$?RAT_BUCKET/);
    assert.equal(mk!.depends_on!['minio']!.condition, 'service_healthy');
    assert.equal(catalog!.depends_on!['create-bucket']!.condition, 'service_completed_successfully');
    assert.ok(minio!.healthcheck);
  });

  describe('the same server command outside Docker, with the same environment', () => {
    let s3: S3TestServer | undefined;
    let dataDir: string | undefined;
    after(async () => {
      await s3?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('starts, serves Iceberg on S3 from the compose environment, and stops cleanly on SIGTERM', async () => {
      const catalog = config.services['catalog']!;
      const composeEnv = catalog.environment!;
      const bucket = config.services['create-bucket']!.environment!['RAT_BUCKET']!;
      // Stand-in for the minio + create-bucket services: a real S3 server with the compose keys and bucket.
      s3 = await startS3Server({
        accessKeyId: composeEnv[S3_ENV.accessKeyId],
        secretAccessKey: composeEnv[S3_ENV.secretAccessKey],
        region: composeEnv[S3_ENV.region],
        buckets: [bucket],
      });
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'rat-compose-data-'));
      const authFile = path.join(dataDir, 'auth.yaml');
      writeFileSync(authFile, filledAuthExample());
      // Only what names this machine instead of the containers' network changes; every other value is compose's.
      const substitutions: Record<string, string> = {
        [SERVER_ENV.host]: '127.0.0.1',
        [SERVER_ENV.port]: '0',
        [SERVER_ENV.dataDir]: path.join(dataDir, 'data'),
        [SERVER_ENV.auth]: authFile,
        [S3_ENV.endpointS3]: s3.endpoint,
        [S3_ENV.clientEndpoint]: s3.endpoint,
      };
      for (const k of Object.keys(substitutions)) assert.ok(k in composeEnv, `${k} is in the compose environment`);
      const env = { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...composeEnv, ...substitutions };
      const { entrypoint, cmd } = (() => {
        const df = parseDockerfile(readFileSync(DOCKERFILE, 'utf8')).final;
        return {
          entrypoint: jsonArray(df.filter((i) => i.op === 'ENTRYPOINT').at(-1)!.args),
          cmd: catalog.command!,
        };
      })();
      // The image runs `node cli/bin/rat.js serve` from /app; here node is this one and /app is the checkout.
      const child = spawn(process.execPath, [...entrypoint.slice(1), ...cmd], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const url = await new Promise<string>((resolve, reject) => {
          const onData = () => {
            const m = /listening on (http:\/\/\S+)/.exec(out);
            if (m) resolve(m[1]!);
          };
          child.stdout.on('data', onData);
          void exited.then((code) => reject(new Error(`server exited with ${code}:\n${out}`)));
        });
        assert.equal((await http('GET', `${url}/healthz`)).status, 200);
        assert.equal((await http('GET', `${url}/iceberg/v1/config`)).status, 401, 'auth is on');
        const issued = await http(
          'POST',
          `${url}/iceberg/v1/oauth/tokens`,
          `grant_type=client_credentials&client_id=admin&client_secret=admin-test-secret`,
          { 'content-type': 'application/x-www-form-urlencoded' },
        );
        assert.equal(issued.status, 200, JSON.stringify(issued.body));
        const auth = { authorization: `Bearer ${issued.body.access_token}` };
        // main is protected in the shipped config: the smoke test works on a branch.
        const main = (await http('GET', `${url}/api/v2/trees/main`, undefined, auth)).body.reference;
        assert.equal((await http('POST', `${url}/api/v2/trees?name=smoke&type=BRANCH`, main, auth)).status, 200);
        const base = `${url}/iceberg/smoke`;

        const ns = await http('POST', `${base}/v1/namespaces`, { namespace: ['compose'] }, auth);
        assert.equal(ns.status, 200, JSON.stringify(ns.body));
        const created = await http(
          'POST',
          `${base}/v1/namespaces/compose/tables`,
          {
            name: 'smoke',
            schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] },
          },
          { 'x-iceberg-access-delegation': 'vended-credentials', ...auth },
        );
        assert.equal(created.status, 200, JSON.stringify(created.body));
        const metadataLocation: string = created.body['metadata-location'];
        const prefix = `s3://${bucket}/`;
        assert.ok(metadataLocation.startsWith(prefix), metadataLocation);
        // The metadata file is in the S3 server's bucket, i.e. RAT_WAREHOUSE and the AWS variables were used.
        const onDisk = path.join(s3.dataDir, bucket, ...metadataLocation.slice(prefix.length).split('/'));
        assert.ok(existsSync(onDisk), `${onDisk} missing; bucket has ${readdirSync(path.join(s3.dataDir, bucket))}`);
        const cfg = created.body.config as Record<string, string>;
        assert.equal(cfg['s3.endpoint'], s3.endpoint);
        assert.equal(cfg['s3.region'], composeEnv[S3_ENV.region]);
        assert.equal(cfg['s3.path-style-access'], 'true');
        assert.equal(cfg['s3.access-key-id'], composeEnv[S3_ENV.accessKeyId]);
        const plain = await http('GET', `${base}/v1/namespaces/compose/tables/smoke`, undefined, auth);
        assert.equal(plain.status, 200);
        assert.equal(plain.body.config['s3.access-key-id'], undefined, 'keys only when asked for');
        assert.ok(!out.includes(composeEnv[S3_ENV.secretAccessKey]!), 'secret in the server log');
      } finally {
        if (child.exitCode === null) child.kill('SIGTERM');
      }
      assert.equal(await exited, 0, out);
    });
  });
});
