/**
 * Every migration, in order. Ids never change once released; add a file and a line here.
 * The same SQL runs on PGlite and PostgreSQL.
 */
import core from './001-core';
import packs from './002-packs';
import bundles from './003-bundles';
import dashboard from './004-dashboard';

export interface Migration {
  id: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  { id: '001-core', sql: core },
  { id: '002-packs', sql: packs },
  { id: '003-bundles', sql: bundles },
  { id: '004-dashboard', sql: dashboard },
];
