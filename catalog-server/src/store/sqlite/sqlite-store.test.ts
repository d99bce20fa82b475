import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeVersionStoreContract } from '../contract.ts';
import { SqliteVersionStore } from './sqlite-store.ts';

describeVersionStoreContract('SQLite in memory', () => SqliteVersionStore.open(':memory:'));

const dirs: string[] = [];
describeVersionStoreContract('SQLite on disk', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-store-'));
  dirs.push(dir);
  return SqliteVersionStore.open(path.join(dir, 'catalog.db'));
});
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
