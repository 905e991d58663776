/**
 * Every migration, in order. Ids never change once released; add a file and a line here.
 * The same SQL runs on PGlite and PostgreSQL.
 */
import core from './001-core';

export interface Migration {
  id: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [{ id: '001-core', sql: core }];
