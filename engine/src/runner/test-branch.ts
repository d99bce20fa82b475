import type { Plan } from '../pipeline/planner.ts';
import type { Project } from '../pipeline/model.ts';
import { failuresTable, type StoreDefaults } from '../pipeline/stored-failures.ts';
import { withTestTypes, type TestType } from '../pipeline/test-types.ts';
import type { SqlRunner } from '../sql/sql-runner.ts';
import { BranchApi } from './branches.ts';
import { runTests, testedTables, testTargets, type TestOutcome } from './data-tests.ts';
import { pinnedRef } from './pinned-ref.ts';
import type { IcebergRestClient } from '@ratatouille/catalog-client';
import { failureStorer } from './stored-failures.ts';
import { catalogFor, refreshView } from './tables.ts';
import type { RunVars } from '../pipeline/compile.ts';

/**
 * `rat test`'s data tests: each selected model's and those of the sources they read, against `branch` as it is.
 * Tests that store their failures (dbt's `store_failures`) write them on a branch of their own, `workBranch`, forked
 * from `branch` at the first of them and merged into it once every test ran — one commit, whatever the tests found,
 * as `dbt test` leaves its failures' tables. A pinned ref (`main@<hash>`) is tested without storing (`onInfo` says
 * so).
 *
 * @example const outcomes = await testOnBranch(sql, { project, plan, server, branch: 'dev', workBranch: 'rat-run-…' })
 */
export async function testOnBranch(
  sql: SqlRunner,
  o: {
    project: Project;
    plan: Plan;
    server: string;
    branch: string;
    /** The branch failures are stored on before their merge (deleted after it). */
    workBranch: string;
    vars?: RunVars;
    storeFailures?: boolean;
    runProperties: Record<string, string>;
    runId: string;
    /** dbt's `test_type:`: the kinds of data test to run (all without). */
    testTypes?: readonly TestType[];
    onTest: (t: TestOutcome) => void;
    onInfo: (message: string) => void;
  },
): Promise<TestOutcome[]> {
  const catalog = catalogFor(o.server, o.branch);
  const defaults: StoreDefaults = { ...o.project.testDefaults, all: o.storeFailures };
  const api = new BranchApi(o.server);
  // The work branch is made at the first test that stores its rows (a test block's own config() may say so).
  let work: Promise<IcebergRestClient> | undefined;
  let forkedAt = '';
  const workBranch = () =>
    (work ??= api
      .get(o.branch)
      .then((head) => api.createBranch(o.workBranch, head))
      .then((created) => {
        forkedAt = created.hash;
        return catalogFor(o.server, o.workBranch);
      }));
  const pinned = pinnedRef(o.branch) !== undefined;
  if (pinned && o.plan.steps.some((m) => m.config.tests.some((t) => failuresTable(m, t, defaults))))
    o.onInfo(`failing rows not stored: ${o.branch} is a commit, not a branch`);
  const store = pinned
    ? undefined
    : failureStorer(sql, workBranch, { defaults, properties: o.runProperties, reads: testTargets });
  const out: TestOutcome[] = [];
  let kept = false;
  try {
    const reads = new Map(o.plan.steps.map((m) => [m.id, m.refs.map((r) => r.target)]));
    for (const m of testedTables(o.project, o.plan.steps).map((t) => withTestTypes(t, o.testTypes))) {
      for (const id of [m.id, ...(reads.get(m.id) ?? []), ...testTargets(m)]) await refreshView(sql, catalog, id);
      for (const t of await runTests(sql, m, o.vars, o.project.macros, store)) {
        out.push(t);
        o.onTest(t);
      }
    }
    // A work branch that could not be made has already turned its tests into errors.
    if (work && (await work.catch(() => undefined))) {
      const from = await api.get(o.workBranch);
      // Nothing to merge when every stored table kept its rows (no test found anything new).
      if (from.hash !== forkedAt) {
        try {
          await api.merge(o.branch, from, `rat test ${o.runId}: failing rows stored`, o.runProperties);
          o.onInfo(`failing rows stored on ${o.branch}`);
        } catch (err) {
          // The outcomes stand; the stored rows stay on their branch to be read or merged by hand.
          o.onInfo(`failing rows stored on ${o.workBranch}, not merged into ${o.branch}: ${(err as Error).message}`);
          kept = true;
        }
      }
    }
    return out;
  } finally {
    if (work && !kept) await api.deleteBranch(o.workBranch).catch(() => undefined);
  }
}
