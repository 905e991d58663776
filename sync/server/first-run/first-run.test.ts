import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTrust, writeTestPack } from '../../../content-packs/import/test-helpers';
import { makeContext } from '../context';
import type { Db } from '../db/db';
import { call, expectOk, freshDb, startTestCloud, type TestCloud } from '../testing/harness';
import { localPackEnvironment } from '../testing/packs';
import { FIRST_RUN_STATE_FILE, setUpFirstRun } from './first-run';

describe('first run (npm start): demo school, sample packs released, this PC enrolled', () => {
  let dir: string;
  let db: Db;
  let cloud: TestCloud;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tp-first-run-'));
    const trust = await testTrust();
    await writeTestPack(join(dir, 'samples'), { id: 'cn.test.math', version: 1, blobs: [{ seed: 'a', size: 5_000 }] });
    await writeTestPack(join(dir, 'samples'), { id: 'cn.test.chinese', version: 1, blobs: [{ seed: 'b', size: 4_000 }] });
    db = await freshDb('pglite');
    const packs = localPackEnvironment(join(dir, 'cloud'), [trust.root.publicKeyFile]);
    cloud = await startTestCloud(db, { packs });
  });
  afterAll(async () => {
    await cloud?.close();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('makes a school the printed account can sign in to, releases every sample pack to it, and a second run adds nothing', async () => {
    const trust = await testTrust();
    const ctx = makeContext(db, { publicUrl: cloud.url });
    const env = localPackEnvironment(join(dir, 'cloud'), [trust.root.publicKeyFile]);
    const options = { dataDir: dir, samplesDir: join(dir, 'samples') };

    const first = await setUpFirstRun(ctx, env, { ...options, enrollDeviceName: '本机' });
    expect(first.packs.map((p) => [p.packId, p.alreadyPublished]).sort()).toEqual([['cn.test.chinese', false], ['cn.test.math', false]]);
    expect(first.released).toBe(2);
    expect(statSync(join(dir, FIRST_RUN_STATE_FILE)).mode & 0o077).toBe(0);

    // The sign-in it prints works and sees its own school only.
    const login = await expectOk(call(cloud.url, 'POST', '/api/v1/auth/login', { username: first.username, password: first.password }));
    const schools = await expectOk(call(cloud.url, 'GET', '/api/v1/admin/schools', undefined, login.token));
    expect(schools.map((s: { id: string }) => s.id)).toEqual([first.schoolId]);

    // The enrollment file is a working device credential: its pull brings both releases down.
    expect(first.enrollment?.school.id).toBe(first.schoolId);
    const pulled = await expectOk(call(cloud.url, 'POST', '/api/v1/pull', { protocolVersion: 1, cursor: null }, first.enrollment!.token));
    expect(pulled.changes.packReleases.map((r: { packId: string }) => r.packId).sort()).toEqual(['cn.test.chinese', 'cn.test.math']);

    const second = await setUpFirstRun(ctx, env, options);
    expect(second).toMatchObject({ schoolId: first.schoolId, username: first.username, password: first.password, released: 0, enrollment: null });
    expect(second.packs.every((p) => p.alreadyPublished)).toBe(true);
    const after = await expectOk(call(cloud.url, 'GET', '/api/v1/admin/schools', undefined, login.token));
    expect(after).toHaveLength(1);
  });
});
