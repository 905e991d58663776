import type { Db } from './db';
import { MIGRATIONS, type Migration } from '../migrations/index';

const MIGRATION_LOCK_KEY = 7_301_000;

/**
 * Applies the migrations not applied yet, each in its own transaction, under an advisory lock so
 * two cloud processes starting together on one PostgreSQL do not race. Returns the ids applied.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  // Under the same lock: two processes running CREATE TABLE IF NOT EXISTS at once can both pass the
  // existence check and one then fails on pg_type's unique index (seen with two clouds starting together).
  await db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await q.query('CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  });
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const seen = await q.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (seen.rows.length > 0) return false;
      await q.exec(m.sql);
      await q.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}
