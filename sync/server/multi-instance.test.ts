/**
 * Statelessness, proven: TWO cloud processes (`teachpoint-cloud serve`, real child processes) on ONE
 * real PostgreSQL. Set-up goes through the CLI; a device enrolls through one instance and syncs
 * through both; a staff session made on one works on the other; a code used on one is spent on the
 * other; every event is stored exactly once. Needs PostgreSQL binaries (required in CI).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../common/ids/uuidv7';
import { call, expectOk, sharedPostgres, stopSharedPostgres, type Json } from './testing/harness';
import { postgresAvailable } from './testing/postgres-server';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'teachpoint-cloud.mjs');
const run = promisify(execFile);

async function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Json> {
  const { stdout } = await run(process.execPath, [bin, ...args, '--json'], { env, cwd: root });
  return JSON.parse(stdout);
}

function serve(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--quiet', '--port', '0'], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`cloud exited (${code}): ${out}`)));
  });
}

describe.runIf(postgresAvailable())('two cloud processes on one PostgreSQL', () => {
  let env: NodeJS.ProcessEnv;
  let databaseUrl: string;
  const clouds: { child: ChildProcess; url: string }[] = [];

  beforeAll(async () => {
    databaseUrl = await (await sharedPostgres()).createDatabase('multi');
    env = { ...process.env, DATABASE_URL: databaseUrl, HOST: '127.0.0.1', TEACHPOINT_PASSWORD: 'province-password-1' };
    // Both start (and migrate) at the same time: the migration lock must make that safe.
    clouds.push(...(await Promise.all([serve(env), serve(env)])));
  });
  afterAll(async () => {
    for (const c of clouds) {
      if (c.child.exitCode === null) {
        const exited = new Promise((r) => c.child.once('exit', r));
        c.child.kill('SIGTERM');
        await exited;
      }
    }
    await stopSharedPostgres();
  });

  it('serves one device through both instances with nothing lost or doubled', async () => {
    const [one, two] = clouds.map((c) => c.url) as [string, string];
    const [school] = await Promise.all([
      cli(env, 'create-county', '丙县').then((county) => cli(env, 'create-school', '--county', county.id, '丙县中心教学点')),
      cli(env, 'create-account', '--username', 'admin', '--role', 'province-admin'),
    ]);
    const code = await cli(env, 'enroll-code', '--school', school.id);

    // A session made on one instance is valid on the other.
    const { token: staff } = await expectOk(call(one, 'POST', '/api/v1/auth/login', { username: 'admin', password: 'province-password-1' }));
    expect((await expectOk(call(two, 'GET', '/api/v1/auth/me', undefined, staff))).username).toBe('admin');

    // The code is spent on both once one uses it.
    const enrolled = await expectOk(call(one, 'POST', '/api/v1/enroll', { protocolVersion: 1, code: code.code, device: { name: '教师机' } }));
    expect((await call(two, 'POST', '/api/v1/enroll', { protocolVersion: 1, code: code.code, device: { name: '别的' } })).body.error.code).toBe('enroll.bad-code');

    // 1,000 events in 10 batches, alternating instances, each batch sent twice (once to each):
    // the second copy is all duplicates.
    const all: string[] = [];
    let t = Date.parse('2026-04-01T08:00:00Z');
    for (let b = 0; b < 10; b++) {
      const events = Array.from({ length: 100 }, () => ({ id: uuidv7(), learnerId: `l${b}`, classId: null, verb: 'answered', objectId: 'p/s/i', packId: 'p', createdAt: new Date(t++).toISOString(), result: { success: b % 2 === 0 } }));
      all.push(...events.map((e) => e.id));
      const [first, second] = b % 2 ? [two, one] : [one, two];
      const a1 = await expectOk(call(first, 'POST', '/api/v1/push', { protocolVersion: 1, batchId: `b${b}`, events }, enrolled.token));
      const a2 = await expectOk(call(second, 'POST', '/api/v1/push', { protocolVersion: 1, batchId: `b${b}`, events }, enrolled.token));
      expect([a1.stored, a1.duplicates, a2.stored, a2.duplicates]).toEqual([100, 0, 0, 100]);
    }
    // Concurrent pushes of the same batch to both instances: together stored exactly once.
    const racing = Array.from({ length: 50 }, () => ({ id: uuidv7(), learnerId: 'race', classId: null, verb: 'viewed', objectId: 'p/l/r', packId: 'p', createdAt: new Date(t++).toISOString() }));
    all.push(...racing.map((e) => e.id));
    const acks = await Promise.all([one, two].map((u) => expectOk(call(u, 'POST', '/api/v1/push', { protocolVersion: 1, batchId: 'race', events: racing }, enrolled.token))));
    expect(acks[0].stored + acks[1].stored).toBe(50);

    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      const r = await c.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM events');
      expect(r.rows[0]).toEqual({ n: all.length, d: all.length });
    } finally {
      await c.end();
    }

    // A roster made on instance two reaches the device pulling from instance one, cursor carried across.
    const start = await expectOk(call(one, 'POST', '/api/v1/pull', { protocolVersion: 1, cursor: null }, enrolled.token));
    const classId = uuidv7();
    await expectOk(call(two, 'PUT', `/api/v1/admin/schools/${school.id}/records/classes/${classId}`, { name: '复式班' }, staff));
    const page = await expectOk(call(one, 'POST', '/api/v1/pull', { protocolVersion: 1, cursor: start.cursor }, enrolled.token));
    expect(page.changes.classes).toEqual([expect.objectContaining({ id: classId, name: '复式班' })]);
    const idle = await expectOk(call(two, 'POST', '/api/v1/pull', { protocolVersion: 1, cursor: page.cursor }, enrolled.token));
    expect(idle).toMatchObject({ changes: {}, cursor: page.cursor, more: false });

    // The xAPI export from either instance has every statement once.
    const exported = (await (await fetch(`${two}/api/v1/admin/export/xapi?schoolId=${school.id}`, { headers: { authorization: `Bearer ${staff}` } })).json()) as Json[];
    expect(exported.map((s) => s.id).sort()).toEqual([...all].sort());
  });
});
