/**
 * One database interface over PGlite (embedded default) and PostgreSQL (`DATABASE_URL`). Both speak
 * the same SQL with `$1` placeholders, so every query and migration is written once.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements (migrations); no parameters. */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction (BEGIN … COMMIT, ROLLBACK on throw). */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Advisory lock key serialising writers of pulled rows (records, pack releases, trust documents):
 * a writer takes it exclusively (transaction scope) before `nextval('change_seq')`, a pull takes it
 * shared. So a change's sequence value is visible to pulls only once it has committed, and every
 * change with a smaller value has committed too — a cursor can never skip a late commit.
 */
export const CHANGE_LOCK_KEY = 7_301_001;

/** In a write transaction: lock, then hand out change sequence values. */
export async function takeChangeLock(q: Queryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1)', [CHANGE_LOCK_KEY]);
}

export async function nextChangeSeq(q: Queryable): Promise<string> {
  const r = await q.query<{ seq: string }>("SELECT nextval('change_seq')::text AS seq");
  return r.rows[0]!.seq;
}

/** In a read transaction: wait for in-flight writers, then read the horizon (every seq ≤ it is committed). */
export async function readChangeHorizon(q: Queryable): Promise<string> {
  await q.query('SELECT pg_advisory_xact_lock_shared($1)', [CHANGE_LOCK_KEY]);
  const r = await q.query<{ seq: string }>("SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::text AS seq FROM change_seq");
  return r.rows[0]!.seq;
}
