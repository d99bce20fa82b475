import { openEngine } from '@ratatouille/engine';
import type { TestServer } from './server.ts';

/**
 * Reads through the engine in this process, as a pipeline's tests check what a run left on a branch: `sql` over the
 * branch's tables, the engine closed afterwards. Credentials come from the environment, as for `rat`.
 *
 * @example const rows = await queryBranch(server, 'main', 'SELECT * FROM silver.orders')
 */
export async function queryBranch(
  server: Pick<TestServer, 'url'>,
  branch: string,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const eng = await openEngine({ server: server.url, branch });
  try {
    return await eng.query(sql);
  } finally {
    await eng.close();
  }
}

/** The number in the column `n` of the first row of `sql` (a `SELECT count(*) AS n …`) on `branch`. */
export async function countOnBranch(server: Pick<TestServer, 'url'>, branch: string, sql: string): Promise<number> {
  const [first] = await queryBranch(server, branch, sql);
  return Number(first!.n);
}
