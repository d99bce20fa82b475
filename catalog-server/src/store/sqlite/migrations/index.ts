import type { Database } from 'better-sqlite3';
import * as m001 from './001-initial.ts';
import * as m002 from './002-refs-by-type.ts';
import * as m100 from './100-code-links.ts';
import * as m101 from './101-webhook-deliveries.ts';
import * as m102 from './102-idempotency-keys.ts';
import * as m103 from './103-pending-merges.ts';
import * as m104 from './104-idempotency-claims.ts';
import * as m106 from './106-file-journal.ts';
import * as m107 from './107-rowid-objects.ts';
import * as m108 from './108-released-tables.ts';

export interface Migration {
  up(db: Database): void;
  /** Run with foreign-key enforcement off (a table rebuild that drops a referenced table); checked before commit. */
  withoutForeignKeys?: boolean;
}

/**
 * The SQLite schema's migrations (`NNN-name.ts`), by file name, in the order they apply. Written out rather than read
 * from the folder so that the CLI's bundle holds them; migrations.test.ts checks every file in the folder is here.
 */
export const MIGRATIONS: readonly (readonly [name: string, migration: Migration])[] = [
  ['001-initial', m001],
  ['002-refs-by-type', m002],
  ['100-code-links', m100],
  ['101-webhook-deliveries', m101],
  ['102-idempotency-keys', m102],
  ['103-pending-merges', m103],
  ['104-idempotency-claims', m104],
  ['106-file-journal', m106],
  ['107-rowid-objects', m107],
  ['108-released-tables', m108],
];
