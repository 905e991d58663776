/**
 * Cloud configuration from the environment (and CLI flags that override it):
 *   DATABASE_URL           postgres://… → PostgreSQL; unset → embedded PGlite in the data dir
 *   TEACHPOINT_CLOUD_DATA  data directory (PGlite database, pack blobs); default ./.data/cloud
 *   PORT / HOST            listen address; default 8787 on 127.0.0.1
 *   PUBLIC_URL             how devices reach this cloud (enrollment files, xAPI ids); default http://HOST:PORT
 */
import { join, resolve } from 'node:path';
import type { Db } from './db/db';
import { migrate } from './db/migrate';
import { openPglite } from './db/pglite';
import { openPostgres } from './db/postgres';

export interface CloudConfig {
  databaseUrl?: string;
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): CloudConfig {
  const host = env.HOST ?? '127.0.0.1';
  const port = Number(env.PORT ?? 8787);
  return {
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir: resolve(cwd, env.TEACHPOINT_CLOUD_DATA ?? join('.data', 'cloud')),
    host,
    port,
    publicUrl: env.PUBLIC_URL ?? `http://${host}:${port}`,
  };
}

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(config: Pick<CloudConfig, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  const db = config.databaseUrl ? await openPostgres(config.databaseUrl) : await openPglite(join(config.dataDir, 'pglite'));
  await migrate(db);
  return db;
}
