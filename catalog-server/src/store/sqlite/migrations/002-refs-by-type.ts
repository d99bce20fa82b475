import type { Database } from 'better-sqlite3';

/**
 * Reference listings page in (type, name) order — branches before tags — straight from this index, so one page
 * costs its size however many tags there are.
 */
export function up(db: Database): void {
  db.exec('CREATE INDEX refs_by_type ON refs (type, name);');
}
