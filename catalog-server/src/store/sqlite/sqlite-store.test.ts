import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeCompanionContract } from '../companions-contract.ts';
import { describeColdReadContract } from '../contract-cold-reads.ts';
import { describeVersionStoreContract } from '../contract.ts';
import { CodeLinkStore } from './code-link-store.ts';
import { IdempotencyStore } from './idempotency-store.ts';
import { PendingMergeStore } from './pending-merge-store.ts';
import { ReleasedTableStore } from './released-table-store.ts';
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

describeColdReadContract('SQLite on disk, reopened', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rat-store-cold-'));
  const file = path.join(dir, 'catalog.db');
  return {
    writer: await SqliteVersionStore.open(file),
    openReader: () => SqliteVersionStore.open(file),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
});

describeCompanionContract('SQLite (migrations 100-108)', async () => {
  const store = await SqliteVersionStore.open(':memory:');
  return {
    links: new CodeLinkStore(store.db),
    keys: new IdempotencyStore(store.db, 60 * 60 * 1000),
    pending: new PendingMergeStore(store.db),
    released: new ReleasedTableStore(store.db),
    close: () => store.close(),
  };
});
