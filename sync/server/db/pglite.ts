import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import type { Db, QueryResult, Queryable } from './db';

interface PGliteLike {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
}

function wrap(conn: PGliteLike): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const r = await conn.query<R>(sql, params as unknown[]);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await conn.exec(sql);
    },
  };
}

const RAW = Symbol('pglite');

/** The data directory as a tarball (for `openPglite(…, { loadDataDir })`). */
export async function dumpPglite(db: Db): Promise<Blob> {
  const pg = (db as Db & { [RAW]?: PGlite })[RAW];
  if (!pg) throw new Error('not a PGlite database');
  return pg.dumpDataDir('none');
}
/**
 * The embedded default: PostgreSQL compiled to WASM, stored in a data directory (nothing to install).
 * `dataDir` undefined = in memory (tests). One connection: PGlite serialises queries and transactions.
 * `loadDataDir`: start from a dumped data directory (a tarball from `dumpDataDir`) instead of running
 * initdb, which takes 15–35 s in WASM on a busy 2-core machine (the tests' template, harness.ts).
 */
export async function openPglite(dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}) });
  const base = wrap(pg as unknown as PGliteLike);
  const db: Db & { [RAW]?: PGlite } = {
    [RAW]: pg,
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    tx: (fn) => pg.transaction((t) => fn(wrap(t as unknown as PGliteLike))),
    close: () => pg.close(),
  };
  return db;
}
