/**
 * An append-only `incremental` model (no `unique_key`) on parallel branches that both ingested the same landing file:
 * the real git binary, the installed hooks, the `rat` CLI and a real server, with `examples/shop` plus an order log
 * (`silver.order_log`, appended above a watermark), a gold table counting it and a gold archive appended from it.
 * After both branches merge into main, each source row is in the log and the archive once, and nothing either branch
 * brought is lost.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestServer } from './support/server.ts';
import { useLockstepRepo } from './git-support.ts';
import { landAndRun, query, ratOk } from './git-team-support.ts';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const ORDER_LOG = `/* ---
materialized: incremental
watermark: ordered_at
--- */
-- Every order as it arrived: appended, never rewritten (no unique_key).
SELECT order_id, trim(customer_id) AS customer_id, quantity, unit_price, ordered_at FROM {{ ref('bronze.orders') }}
`;
// Appended from the log, itself append-only: its lineage names the bronze files through the log's.
const ARCHIVE = `/* ---
materialized: incremental
watermark: ordered_at
--- */
SELECT order_id, ordered_at FROM {{ ref('silver.order_log') }}
`;
const LOG_DAYS = `/* ---
materialized: table
--- */
SELECT CAST(ordered_at AS DATE) AS day, count(*) AS orders FROM {{ ref('silver.order_log') }} GROUP BY 1
`;

const csv = (rows: Array<[number, string]>) =>
  'order_id,customer_id,product_id,quantity,unit_price,status,ordered_at\n' +
  rows.map(([id, at]) => `${id},C001,P01,1,19.90,shipped,${at}\n`).join('');

/** Rows per order in the log, checked to be the same in the archive appended from it. */
async function logCounts(server: TestServer, ids: number[]): Promise<Record<string, number>> {
  const counts = async (table: string) =>
    Object.fromEntries(
      (
        await query(
          server,
          'main',
          `SELECT order_id, count(*) AS n FROM ${table} WHERE order_id IN (${ids.join(',')}) GROUP BY 1 ORDER BY 1`,
        )
      ).map((r) => [String(r.order_id), Number(r.n)]),
    );
  const log = await counts('silver.order_log');
  assert.deepEqual(await counts('gold.order_archive'), log, 'gold.order_archive holds what silver.order_log holds');
  return log;
}

/** What a `rat merge --dry-run --json` answer says of one table: its conflict, as JSON text, or nothing. */
type Conflict = { message: string; kinds?: string[] };

function conflictsOn(stdout: string, table: string): Conflict[] {
  const details: Array<{ key: { elements: string[] }; conflict?: Conflict }> = JSON.parse(stdout).details ?? [];
  return details.filter((d) => d.key.elements.join('.') === table && d.conflict).map((d) => d.conflict!);
}

async function dayCount(server: TestServer, day: string): Promise<number> {
  const [r] = await query(server, 'main', `SELECT orders FROM gold.log_days WHERE day = DATE '${day}'`);
  return Number(r?.orders ?? 0);
}

describe('an append-only incremental model on two branches that ingested the same landing file (real git, rat)', function () {
  this.timeout(900_000);
  const t = useLockstepRepo({ prefix: 'append-team-', copy: path.join(root, 'examples', 'shop') });

  before(async () => {
    const { repo } = t;
    mkdirSync(path.join(repo.dir, 'silver'), { recursive: true });
    await repo.commitFile('silver/order_log.sql', ORDER_LOG, 'order log');
    await repo.commitFile('gold/log_days.sql', LOG_DAYS, 'orders per day from the log');
    await repo.commitFile('gold/order_archive.sql', ARCHIVE, 'archive of the log');
    await ratOk(repo, ['run']);
  });

  it('both branches ran on the same file: after both merges each order is in the log once', async () => {
    const { repo, server } = t;
    const file = {
      'landing/orders/orders_2024-03-05.csv': csv([
        [1050, '2024-03-05 09:00:00'],
        [1051, '2024-03-05 10:00:00'],
      ]),
    };
    await landAndRun(repo, 'feat-e', file);
    await landAndRun(repo, 'feat-f', file);
    await repo.ok('merge', '--no-ff', '-m', 'Merge branch feat-e', 'feat-e');
    const r = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-f', 'feat-f');
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const counts = await logCounts(server, [1050, 1051]);
    assert.deepEqual(counts, { '1050': 1, '1051': 1 });
    assert.equal(await dayCount(server, '2024-03-05'), 2);
    // The log and its inputs agree: a run on main appends nothing.
    await ratOk(repo, ['run']);
    assert.deepEqual(await logCounts(server, [1050, 1051]), counts);
  });

  it('one branch ran on the shared file and a new one at once: the merge rebuilds the log, each order once', async () => {
    const { repo, server } = t;
    const shared = { 'landing/orders/orders_2024-03-06.csv': csv([[1060, '2024-03-06 09:00:00']]) };
    const own = { 'landing/orders/orders_2024-03-07.csv': csv([[1070, '2024-03-07 09:00:00']]) };
    await landAndRun(repo, 'feat-g', shared);
    await landAndRun(repo, 'feat-h', { ...shared, ...own });
    await repo.ok('merge', '--no-ff', '-m', 'Merge branch feat-g', 'feat-g');
    // feat-h's append to the log holds rows of both files and cannot be split: the catalog merge alone refuses it,
    // naming the files, rather than replaying it (March 6 twice) or skipping it (March 7 lost).
    const dry = await repo.rat(['merge', 'feat-h', '--into', 'main', '--dry-run', '--json']);
    assert.equal(dry.code, 2, dry.stdout + dry.stderr);
    const why = conflictsOn(dry.stdout, 'silver.order_log');
    assert.equal(why.length, 1, JSON.stringify(why));
    // The kind, not the wording, says a rebuild settles it (git-sync decides on it).
    assert.deepEqual(why[0].kinds, ['shared-derived'], JSON.stringify(why));
    assert.match(why[0].message, /orders_2024-03-06\.csv.*together with others.*orders_2024-03-07\.csv/);
    // The merge with rebuild runs the log again with the merged code over the merged orders.
    const r = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-h', 'feat-h');
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /rebuilt with the merged code: .*silver\.order_log/);
    assert.deepEqual(await logCounts(server, [1060, 1070]), { '1060': 1, '1070': 1 });
    assert.equal(await dayCount(server, '2024-03-06'), 1);
    assert.equal(await dayCount(server, '2024-03-07'), 1);
    await ratOk(repo, ['run']);
    assert.deepEqual(await logCounts(server, [1060, 1070]), { '1060': 1, '1070': 1 });
  });

  it('one branch ran on the shared file, then on a new one: the merge needs no rebuild, each order once', async () => {
    const { repo, server } = t;
    const shared = { 'landing/orders/orders_2024-03-08.csv': csv([[1080, '2024-03-08 09:00:00']]) };
    await landAndRun(repo, 'feat-i', shared);
    await landAndRun(repo, 'feat-j', shared);
    await repo.ok('checkout', 'feat-j');
    await repo.commitFile('landing/orders/orders_2024-03-09.csv', csv([[1090, '2024-03-09 09:00:00']]), 'March 9');
    await ratOk(repo, ['run']);
    await repo.ok('checkout', 'main');
    await repo.ok('merge', '--no-ff', '-m', 'Merge branch feat-i', 'feat-i');
    // feat-j's first append is what feat-i appended (not replayed), its second holds only March 9 (replayed): the
    // log merges by itself (the tables both runs rewrote are rebuilt as usual).
    const dry = await repo.rat(['merge', 'feat-j', '--into', 'main', '--dry-run', '--json']);
    assert.deepEqual(conflictsOn(dry.stdout, 'silver.order_log'), []);
    const r = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-j', 'feat-j');
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /rebuilt with the merged code: .*silver\.order_log/);
    assert.deepEqual(await logCounts(server, [1080, 1090]), { '1080': 1, '1090': 1 });
    assert.equal(await dayCount(server, '2024-03-08'), 1);
  });

  it('branches that ran on different files replay both appends as before', async () => {
    const { repo, server } = t;
    await landAndRun(repo, 'feat-k', { 'landing/orders/orders_2024-03-10.csv': csv([[1100, '2024-03-10 09:00:00']]) });
    await landAndRun(repo, 'feat-l', { 'landing/orders/orders_2024-03-11.csv': csv([[1110, '2024-03-11 09:00:00']]) });
    await repo.ok('merge', '--no-ff', '-m', 'Merge branch feat-k', 'feat-k');
    const r = await repo.git('merge', '--no-ff', '-m', 'Merge branch feat-l', 'feat-l');
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /rebuilt with the merged code: .*silver\.order_log/);
    assert.deepEqual(await logCounts(server, [1100, 1110]), { '1100': 1, '1110': 1 });
    // Every source row of every merged branch, once: the log holds what bronze holds.
    const perOrder = (table: string) =>
      query(server, 'main', `SELECT order_id, count(*) AS n FROM ${table} GROUP BY 1 ORDER BY 1`).then((rows) =>
        rows.map((x) => `${x.order_id}×${x.n}`),
      );
    assert.deepEqual(await perOrder('silver.order_log'), await perOrder('bronze.orders'));
  });
});
