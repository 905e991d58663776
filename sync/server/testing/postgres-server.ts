/**
 * A throwaway PostgreSQL server for tests and benches: initdb into a temp dir, `postgres` on a free
 * loopback port with its socket in that dir, no system service. As root (CI containers) the server
 * runs as the `postgres` user (PostgreSQL refuses to run as root) via `setpriv`.
 *
 * Binaries: $PG_BIN, else `pg_config --bindir`, else the newest /usr/lib/postgresql/<v>/bin, else PATH.
 * `TEACHPOINT_TEST_PG_URL` (a server you already run) skips all of this.
 * In CI (`CI=true`) a missing PostgreSQL is an error, never a silent skip.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PG_BIN && existsSync(join(env.PG_BIN, 'postgres'))) return env.PG_BIN;
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // no pg_config
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join(root, v, 'bin', 'postgres'))) return join(root, v, 'bin');
  }
  for (const dir of (env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb'))) return dir;
  return undefined;
}

/** Whether the suite should run against PostgreSQL: yes when available; in CI missing is an error. */
export function postgresAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.TEACHPOINT_TEST_PG_URL) return true;
  if (postgresBinDir(env)) return true;
  if (env.CI === 'true' || env.CI === '1') {
    throw new Error('CI=true but no PostgreSQL server binaries were found (install them with scripts/setup-system.sh, or set PG_BIN / TEACHPOINT_TEST_PG_URL).');
  }
  return false;
}

/** A port that was free a moment ago on 127.0.0.1 (for servers that cannot listen on port 0: postgres, nginx). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PostgresServer {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  /** A new empty database; returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function asPostgresUser(cmd: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [cmd, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--reset-env', cmd, ...args]];
}

export interface StartOptions {
  /** fsync and synchronous commit on, as in production (benches). Tests run with them off. */
  durable?: boolean;
}

export async function startPostgres(env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): Promise<PostgresServer> {
  if (env.TEACHPOINT_TEST_PG_URL) return external(env.TEACHPOINT_TEST_PG_URL);
  const bin = postgresBinDir(env);
  if (!bin) throw new Error('PostgreSQL binaries not found (scripts/setup-system.sh installs them).');
  const dir = mkdtempSync(join(tmpdir(), 'tp-pg-'));
  const data = join(dir, 'data');
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const [initCmd, initArgs] = asPostgresUser(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  execFileSync(initCmd, initArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await freePort();
  const [cmd, args] = asPostgresUser(join(bin, 'postgres'), [
    '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
    // A throwaway test server: durability off unless asked for, small footprint.
    ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    '-c', 'max_connections=100', '-c', 'shared_buffers=128MB',
  ]);
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited early: ${log}`);
    try {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.end();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`postgres did not start within 30 s: ${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const server = external(adminUrl);
  return {
    ...server,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT'); // fast shutdown
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function external(adminUrl: string): PostgresServer {
  let n = 0;
  return {
    adminUrl,
    async createDatabase(prefix = 'tp') {
      const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${n++}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {},
  };
}
