import pg from 'pg';
import type { Db, QueryResult, Queryable } from './db';

// bigint/numeric come back as strings (no precision loss); timestamps as Date objects (pg default).
function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const r = await client.query(sql, params as unknown[]);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

/** PostgreSQL at scale (`DATABASE_URL`): a connection pool; many cloud processes may share the database. */
export async function openPostgres(connectionString: string, options: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle pooled connection that the server drops (restart, failover, admin shutdown) is emitted
  // as 'error' on the pool; unheard, it would crash the cloud. The pool replaces the connection on
  // the next query, so log it and carry on.
  pool.on('error', (err) => console.warn(`[cloud] idle PostgreSQL connection lost: ${err.message}`));
  // Fail at start, not at the first request, when the database is unreachable.
  const probe = await pool.connect();
  probe.release();
  const base = wrap(pool);
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
