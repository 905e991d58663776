/**
 * The dashboard's staff routes over real HTTP, on PGlite and on a real PostgreSQL: numbers equal to
 * what a device pushed, and county scoping (a county admin sees only their county; another county's
 * ids answer 404; the province sees every county).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { call, dbKinds, enrollDevice, expectOk, freshDb, seedWorld, startTestCloud, stopSharedPostgres, type Json, type TestCloud, type World } from '../testing/harness';
import { seedClassProgress, type SeededClass } from '../testing/progress-seed';

afterAll(stopSharedPostgres);

describe.each(dbKinds())('dashboard staff routes on %s', (kind) => {
  let db: Db;
  let cloud: TestCloud;
  let world: World;
  let seeded: SeededClass;
  let deviceId: string;
  const now = new Date();
  const A = () => world.counties[0]!;
  const B = () => world.counties[1]!;

  beforeAll(async () => {
    db = await freshDb(kind);
    cloud = await startTestCloud(db, { clock: () => now });
    world = await seedWorld(cloud);
    const device = await enrollDevice(cloud, A().adminToken, A().schools[0]!.id);
    deviceId = device.deviceId;
    seeded = await seedClassProgress({
      cloudUrl: cloud.url,
      deviceToken: device.token,
      deviceId,
      className: '一二年级复式班',
      grade: '一、二年级',
      learnerNames: ['小明', '小红', '小刚'],
      now,
      status: { queuedEvents: 12, bytesToDownload: 5_000_000, installedPacks: [{ packId: 'math-g1', version: 3 }] },
    });
  });
  afterAll(async () => {
    await cloud?.close();
    await db?.close();
  });

  it('teaching points: the county admin sees their schools with the device, its last sync, queue and installed packs', async () => {
    const schools: Json[] = await expectOk(call(cloud.url, 'GET', '/api/v1/admin/dashboard/schools', undefined, A().adminToken));
    expect(schools.map((s) => s.id).sort()).toEqual(A().schools.map((s) => s.id).sort());
    const first = schools.find((s) => s.id === A().schools[0]!.id);
    expect(first).toMatchObject({ queuedEvents: 12, bytesToDownload: 5_000_000, lastSyncAt: now.toISOString() });
    expect(first.devices).toEqual([expect.objectContaining({ id: deviceId, queuedEvents: 12, lastPushAt: now.toISOString(), installedPacks: [{ packId: 'math-g1', version: 3 }] })]);
    const other = schools.find((s) => s.id === A().schools[1]!.id);
    expect(other).toMatchObject({ devices: [], lastSyncAt: null, queuedEvents: 0 });
  });

  it('class progress equals what the device pushed', async () => {
    const progress: Json[] = await expectOk(call(cloud.url, 'GET', '/api/v1/admin/dashboard/progress', undefined, A().adminToken));
    const school = progress.find((s) => s.schoolId === A().schools[0]!.id);
    expect(school.classes).toEqual([{ classId: seeded.classId, name: '一二年级复式班', grade: '一、二年级', ...seeded.expected }]);
    // Sanity: the seed spreads events over windows, so the windows differ.
    expect(seeded.expected.events7d).toBeLessThan(seeded.expected.events30d);
    expect(progress.find((s) => s.schoolId === A().schools[1]!.id).classes).toEqual([]);
    const one: Json[] = await expectOk(call(cloud.url, 'GET', `/api/v1/admin/dashboard/progress?schoolId=${A().schools[0]!.id}`, undefined, A().adminToken));
    expect(one).toHaveLength(1);
  });

  it('another county admin sees none of it, and naming it answers 404', async () => {
    const schools: Json[] = await expectOk(call(cloud.url, 'GET', '/api/v1/admin/dashboard/schools', undefined, B().adminToken));
    expect(schools.map((s) => s.id).sort()).toEqual(B().schools.map((s) => s.id).sort());
    expect(schools.flatMap((s) => s.devices)).toEqual([]);
    const progress: Json[] = await expectOk(call(cloud.url, 'GET', '/api/v1/admin/dashboard/progress', undefined, B().adminToken));
    expect(progress.flatMap((s) => s.classes)).toEqual([]);
    for (const path of [`/schools?countyId=${A().id}`, `/progress?countyId=${A().id}`, `/progress?schoolId=${A().schools[0]!.id}`]) {
      const r = await call(cloud.url, 'GET', `/api/v1/admin/dashboard${path}`, undefined, B().adminToken);
      expect([path, r.status, r.body.error.code]).toEqual([path, 404, 'not-found']);
    }
  });

  it('the province sees every county, or the one it names; no session answers 401', async () => {
    const all: Json[] = await expectOk(call(cloud.url, 'GET', '/api/v1/admin/dashboard/schools', undefined, world.provinceToken));
    expect(all).toHaveLength(4);
    const b: Json[] = await expectOk(call(cloud.url, 'GET', `/api/v1/admin/dashboard/schools?countyId=${B().id}`, undefined, world.provinceToken));
    expect(b.map((s) => s.countyId)).toEqual([B().id, B().id]);
    const progress: Json[] = await expectOk(call(cloud.url, 'GET', `/api/v1/admin/dashboard/progress?countyId=${A().id}`, undefined, world.provinceToken));
    expect(progress.flatMap((s) => s.classes).map((c) => c.classId)).toEqual([seeded.classId]);
    const anon = await call(cloud.url, 'GET', '/api/v1/admin/dashboard/schools');
    expect([anon.status, anon.body.error.code]).toEqual([401, 'auth.session-expired']);
  });
});
