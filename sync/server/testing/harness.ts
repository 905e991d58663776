/**
 * Test and bench helpers for the cloud: the database matrix (PGlite always; PostgreSQL when its
 * binaries exist — required in CI), a running app on loopback, and staff/device set-up done through
 * the real HTTP API.
 */
import type { FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS } from '../migrations/index';
import { buildCloudApp, type CloudAppOptions } from '../app';
import { createAccount } from '../services/accounts';
import type { Db } from '../db/db';
import { migrate } from '../db/migrate';
import { dumpPglite, openPglite } from '../db/pglite';
import { openPostgres } from '../db/postgres';
import { postgresAvailable, startPostgres, type PostgresServer } from './postgres-server';

export type DbKind = 'pglite' | 'postgres';

export function dbKinds(): DbKind[] {
  return postgresAvailable() ? ['pglite', 'postgres'] : ['pglite'];
}

let shared: Promise<PostgresServer> | undefined;
/** One throwaway server per test process, stopped by `stopSharedPostgres` (afterAll). */
export function sharedPostgres(): Promise<PostgresServer> {
  shared ??= startPostgres();
  return shared;
}
export async function stopSharedPostgres(): Promise<void> {
  if (!shared) return;
  const s = await shared;
  shared = undefined;
  await s.stop();
}

const CACHE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '.cache', 'pglite-template');

/**
 * A migrated PGlite data directory as a tarball, cached by migration content and PGlite version:
 * loading it takes ~2 s where initdb in WASM takes 15–35 s on a busy machine.
 */
export async function pgliteTemplate(): Promise<Blob> {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = join(entry.slice(0, entry.lastIndexOf(`${sep}@electric-sql${sep}pglite${sep}`)), '@electric-sql', 'pglite', 'package.json');
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  const key = createHash('sha256').update(version).update(JSON.stringify(MIGRATIONS)).digest('hex').slice(0, 16);
  const file = join(CACHE, `${key}.tar`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const db = await openPglite();
  await migrate(db);
  const blob = await dumpPglite(db);
  await db.close();
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
  renameSync(tmp, file);
  return blob;
}

/** A fresh, migrated database of the given kind. */
export async function freshDb(kind: DbKind): Promise<Db> {
  const db = kind === 'pglite' ? await openPglite(undefined, { loadDataDir: await pgliteTemplate() }) : await openPostgres(await (await sharedPostgres()).createDatabase());
  await migrate(db);
  return db;
}

export interface TestCloud {
  app: FastifyInstance;
  db: Db;
  url: string;
  close(): Promise<void>;
}

export async function startTestCloud(db: Db, options: Partial<CloudAppOptions> = {}): Promise<TestCloud> {
  const app = await buildCloudApp({ ...options, db });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  app.cloud.publicUrl = url;
  return { app, db, url, close: () => app.close() };
}

export const PROVINCE_PASSWORD = 'province-password-1';

/** Test-only loose JSON (answers are checked by assertions, not by types). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** Minimal HTTP client for tests: JSON in, status + JSON out. */
export async function call(base: string, method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function expectOk<T = Json>(p: Promise<{ status: number; body: Json }>): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body as T;
}

export interface World {
  provinceToken: string;
  counties: { id: string; name: string; adminToken: string; schools: { id: string; name: string }[] }[];
}

/**
 * Two counties with two schools each and a county admin per county, all made through the API by a
 * province admin (created directly, like `teachpoint-cloud create-account` does).
 */
export async function seedWorld(cloud: TestCloud, counties = ['甲县', '乙县'], schoolsPer = 2): Promise<World> {
  await createAccount(cloud.db, { username: 'province', password: PROVINCE_PASSWORD, role: 'province-admin' });
  const provinceToken = (await expectOk(call(cloud.url, 'POST', '/api/v1/auth/login', { username: 'province', password: PROVINCE_PASSWORD }))).token as string;
  const world: World = { provinceToken, counties: [] };
  let i = 0;
  for (const name of counties) {
    const county = await expectOk(call(cloud.url, 'POST', '/api/v1/admin/counties', { name }, provinceToken));
    const username = `county${i++}`;
    await expectOk(call(cloud.url, 'POST', '/api/v1/admin/accounts', { username, password: 'county-password-1', role: 'county-admin', countyId: county.id }, provinceToken));
    const adminToken = (await expectOk(call(cloud.url, 'POST', '/api/v1/auth/login', { username, password: 'county-password-1' }))).token as string;
    const schools = [];
    for (let s = 0; s < schoolsPer; s++) schools.push(await expectOk(call(cloud.url, 'POST', '/api/v1/admin/schools', { name: `${name}第${s + 1}教学点` }, adminToken)));
    world.counties.push({ id: county.id, name, adminToken, schools });
  }
  return world;
}

/** Enrolls a device in a school through a code (staff API + device API). */
export async function enrollDevice(cloud: TestCloud, staffToken: string, schoolId: string, name = '教师机'): Promise<{ deviceId: string; token: string }> {
  const code = await expectOk(call(cloud.url, 'POST', `/api/v1/admin/schools/${schoolId}/enrollment-codes`, {}, staffToken));
  const enrolled = await expectOk(call(cloud.url, 'POST', '/api/v1/enroll', { protocolVersion: 1, code: code.code, device: { name } }));
  return { deviceId: enrolled.deviceId, token: enrolled.token };
}
