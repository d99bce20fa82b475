import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IcebergRestClient } from '@ratatouille/catalog-client';
import { DuckDbRunner } from '../sql/duckdb-runner.ts';
import { startFakeCatalog } from './fake-catalog.ts';

/** What each engine unit test gets: a temp warehouse, the fake catalog's URL and client, and a DuckDB runner. */
export interface EngineFixture {
  dir: string;
  url: string;
  client: IcebergRestClient;
  sql: DuckDbRunner;
}

/**
 * Registers mocha hooks that give every test of the enclosing `describe` a fresh fixture and clean it up after.
 * The returned object's fields are replaced before each test, so read them inside the tests.
 *
 * @example const fx = useEngineFixture(); it('…', async () => { await writeTable(fx.sql, fx.client, t, q, o) })
 */
export function useEngineFixture(prefix = 'rat-engine-'): EngineFixture {
  const fx = {} as EngineFixture;
  let close: () => Promise<void> = async () => {};
  beforeEach(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    const cat = await startFakeCatalog(dir);
    Object.assign(fx, {
      dir,
      url: cat.url,
      client: new IcebergRestClient({ server: cat.url }),
      sql: await DuckDbRunner.open(),
    });
    close = () => cat.close();
  });
  afterEach(async () => {
    await fx.sql.close();
    await close();
    rmSync(fx.dir, { recursive: true, force: true });
  });
  return fx;
}
