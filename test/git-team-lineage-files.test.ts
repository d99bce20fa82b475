/**
 * A backfill of more landing files than a lineage list keeps inline, on two branches (real git, the installed hooks,
 * the `rat` CLI and a real server): both ingest the same files, an append-only log and an archive appended from it
 * derive from them. The lists go to side files, so each table's metadata grows by a reference per snapshot rather than
 * by the list, and both merges still hold each row once (the merge reads the side files to judge the appends).
 */
import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DERIVED_FROM_PROPERTY,
  INGEST_FILES_PROPERTY,
  LINEAGE_INLINE_MAX_BYTES,
  lineageReference,
} from '@ratatouille/iceberg';
import { http, type TestServer } from './support/server.ts';
import { useLockstepRepo } from './git-support.ts';
import { landAndRun, query, ratOk } from './git-team-support.ts';

const FILES = 120;

const ORDERS = `source:
  path: landing/orders/*.csv
  format: csv
columns:
  order_id: BIGINT
  ordered_at: TIMESTAMP
`;
const ORDER_LOG = `/* ---
materialized: incremental
watermark: ordered_at
--- */
SELECT order_id, ordered_at FROM {{ ref('bronze.orders') }}
`;
const ARCHIVE = `/* ---
materialized: incremental
watermark: ordered_at
--- */
SELECT order_id, ordered_at FROM {{ ref('silver.order_log') }}
`;
const TABLES = ['bronze.orders', '_rat.ingest_files', 'silver.order_log', 'gold.order_archive'];

interface Loaded {
  location: string;
  snapshots: Array<{ summary: Record<string, string> }>;
}

async function load(server: TestServer, table: string): Promise<Loaded> {
  const [ns, name] = table.split('.');
  const r = await http('GET', `${server.url}/iceberg/main/v1/namespaces/${ns}/tables/${name}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { location: r.body['metadata-location'], snapshots: r.body.metadata.snapshots };
}

const bytesOf = (location: string) => statSync(fileURLToPath(location)).size;

describe('lineage lists of a backfill bigger than the inline threshold, on two branches (real git, rat)', function () {
  this.timeout(900_000);
  const t = useLockstepRepo({ prefix: 'lineage-team-' });

  before(async () => {
    const { repo } = t;
    for (const d of ['bronze', 'silver', 'gold', 'landing/orders'])
      mkdirSync(path.join(repo.dir, d), { recursive: true });
    writeFileSync(path.join(repo.dir, 'bronze/orders.yml'), ORDERS);
    writeFileSync(path.join(repo.dir, 'silver/order_log.sql'), ORDER_LOG);
    writeFileSync(path.join(repo.dir, 'gold/order_archive.sql'), ARCHIVE);
    writeFileSync(path.join(repo.dir, 'landing/orders/seed.csv'), 'order_id,ordered_at\n1,2024-01-01 00:00:00\n');
    await repo.ok('add', '.');
    await repo.ok('commit', '-q', '-m', 'pipelines');
    await ratOk(repo, ['run']);
  });

  it('keeps the summaries small and each row once after both merges', async () => {
    const { repo, server } = t;
    const before = Object.fromEntries(
      await Promise.all(TABLES.map(async (x) => [x, bytesOf((await load(server, x)).location)] as const)),
    );
    const files: Record<string, string> = {};
    for (let i = 0; i < FILES; i++) {
      const id = 10_000 + i;
      const day = `2024-02-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:00:00`;
      files[`landing/orders/backfill_${String(i).padStart(4, '0')}.csv`] = `order_id,ordered_at\n${id},${day}\n`;
    }
    await landAndRun(repo, 'feat-a', files);
    await landAndRun(repo, 'feat-b', files);
    await repo.ok('merge', '--no-ff', '-m', 'Merge branch feat-a', 'feat-a');
    const r = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-b', 'feat-b');
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    // The appends of feat-b are judged from the side files and not replayed: no rebuild is needed.
    assert.doesNotMatch(r.stderr, /rebuilt with the merged code: .*order_log/);

    for (const table of ['bronze.orders', 'silver.order_log', 'gold.order_archive']) {
      const rows = await query(
        server,
        'main',
        `SELECT count(*) AS n, count(DISTINCT order_id) AS d FROM ${table} WHERE order_id >= 10000`,
      );
      assert.deepEqual([Number(rows[0]!.n), Number(rows[0]!.d)], [FILES, FILES], `${table}: each backfilled row once`);
    }
    const [reg] = await query(
      server,
      'main',
      `SELECT count(*) AS n FROM _rat.ingest_files WHERE path LIKE '%backfill_%'`,
    );
    assert.equal(Number(reg!.n), FILES, 'the registry lists each file once');

    const figures: string[] = [];
    for (const table of TABLES) {
      const md = await load(server, table);
      const key =
        table === 'silver.order_log' || table === 'gold.order_archive' ? DERIVED_FROM_PROPERTY : INGEST_FILES_PROPERTY;
      const refs = md.snapshots.map((s) => s.summary[key]).filter((v) => v !== undefined && lineageReference(v));
      assert.ok(refs.length >= 1, `${table}: the backfill's ${key} is a reference`);
      for (const v of refs) assert.ok(v!.length < 300, `${table}: ${v}`);
      const side = refs.map((v) => bytesOf(lineageReference(v)!.location));
      for (const s of side) assert.ok(s > LINEAGE_INLINE_MAX_BYTES);
      const after = bytesOf(md.location);
      // Inline, every snapshot naming the list would carry it instead of its reference.
      const inline = after + refs.reduce((n, v, i) => n + side[i]! - v!.length, 0);
      assert.ok(after - before[table]! < side[0]!, `${table}: grew ${after - before[table]!} bytes`);
      figures.push(
        `${table}: metadata ${before[table]} → ${after} bytes (+${after - before[table]!}); ${refs.length} snapshot(s) ` +
          `name side files of ${side.join(', ')} bytes; inline lists would make it about ${inline} bytes`,
      );
    }
    console.log(`      ${figures.join('\n      ')}`);

    // A run on main finds nothing new.
    await ratOk(repo, ['run']);
    const [again] = await query(server, 'main', 'SELECT count(*) AS n FROM silver.order_log WHERE order_id >= 10000');
    assert.equal(Number(again!.n), FILES);
  });
});
