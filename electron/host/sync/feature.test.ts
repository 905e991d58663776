/**
 * The host's sync feature against a real cloud on loopback (PGlite): enroll with a code, the engine's
 * requests carry the token only through the host, offline enrollment file, forget, class hours.
 */
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeMethods } from '../../../common/bridge/contract';
import { uuidv7 } from '../../../common/ids/uuidv7';
import { createSyncEngine } from '../../../sync/client/engine';
import { MemorySyncStore } from '../../../sync/client/testing/memory-store';
import { realisticEvents } from '../../../sync/client/testing/events';
import { call, expectOk, freshDb, seedWorld, startTestCloud, type TestCloud, type World } from '../../../sync/server/testing/harness';
import type { HostContext } from '../context';
import { createEventHub } from '../events';
import { downloadCapAt } from './class-hours';
import { readSyncCredentials } from './credentials';
import { createSyncFeature } from './feature';
import { bridgeSyncTransport } from '../../../sync/client/bridge-transport';

let cloud: TestCloud;
let world: World;
let dataDir: string;

beforeAll(async () => {
  cloud = await startTestCloud(await freshDb('pglite'));
  world = await seedWorld(cloud, ['甲县'], 1);
});
afterAll(async () => {
  await cloud?.close();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

async function newFeature() {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tp-host-sync-'));
  const ctx: HostContext = { dataDir, events: createEventHub(() => {}), shell: 'browser', electronVersion: null, safeMode: false, appVersion: '0.1.0-test' };
  return createSyncFeature(ctx, { now: () => new Date(2026, 11, 1, 9, 0) }); // a Tuesday, 09:00: class is on
}

describe('host sync feature (real cloud)', () => {
  it('enrolls with a code, then the engine pushes through sync.request with the token the renderer never sees', async () => {
    const feature = await newFeature();
    const school = world.counties[0]!.schools[0]!;
    const { code } = await expectOk(call(cloud.url, 'POST', `/api/v1/admin/schools/${school.id}/enrollment-codes`, {}, world.counties[0]!.adminToken));
    const status = await feature.handlers['sync.enroll']({ cloudUrl: `${cloud.url}/`, code: code.toLowerCase(), deviceName: '教师机' });
    expect(status).toMatchObject({ enrolled: true, cloudUrl: cloud.url, school: { id: school.id, name: school.name } });
    expect(JSON.stringify(status)).not.toContain('tpd_');
    expect(status.capNowBytesPerSecond).toBe(16 * 1024);

    const store = new MemorySyncStore();
    const events = realisticEvents(50, [uuidv7()], uuidv7());
    for (const e of events) store.write('events', e);
    const engine = createSyncEngine({ store, transport: bridgeSyncTransport((req) => feature.handlers['sync.request'](bridgeMethods['sync.request'].request.parse(req))), server: cloud.url });
    const result = await engine.syncNow();
    expect(result).toMatchObject({ ok: true, pushedItems: 50 });
    expect(result.wireBytes).toBeGreaterThan(0);
    const exported = (await expectOk(call(cloud.url, 'GET', `/api/v1/admin/export/xapi?schoolId=${school.id}`, undefined, world.provinceToken))) as { id: string }[];
    expect(exported.map((s) => s.id).sort()).toEqual(events.map((e) => e.id).sort());

    // The same code cannot enroll twice; the message says what to do.
    await expect(feature.handlers['sync.enroll']({ cloudUrl: cloud.url, code })).rejects.toMatchObject({ code: 'enroll.bad-code' });
    await feature.handlers['sync.forget']({});
    expect(await readSyncCredentials(dataDir)).toBeNull();
    await expect(feature.handlers['sync.request']({ path: '/api/v1/pull', body: '{}', gzip: false })).rejects.toMatchObject({ code: 'sync.not-enrolled' });
  });

  it('enrolls offline from an enrollment file, refuses a damaged one, and answers an unreachable cloud with status 0 / a clear error', async () => {
    const feature = await newFeature();
    const school = world.counties[0]!.schools[0]!;
    const file = await expectOk(call(cloud.url, 'POST', `/api/v1/admin/schools/${school.id}/enrollment-file`, { deviceName: '教室电脑' }, world.counties[0]!.adminToken));
    const filePath = path.join(dataDir, 'stick.tpenroll.json');
    await fs.writeFile(filePath, JSON.stringify(file));
    await expect(feature.handlers['sync.enrollFromFile']({ contents: '{"format":"teachpoint-enrollment/1"}' })).rejects.toMatchObject({ code: 'sync.bad-enrollment-file' });
    expect((await feature.handlers['sync.enrollFromFile']({ path: filePath })).school?.id).toBe(school.id);
    const hello = await feature.handlers['sync.request']({ path: '/api/v1/hello', body: null, gzip: false });
    expect(hello).toMatchObject({ status: 200, body: { protocolVersion: 1 } });

    await expect(feature.handlers['sync.enroll']({ cloudUrl: 'http://127.0.0.1:9', code: 'ABCD-EFGH-JKLM' })).rejects.toMatchObject({ code: 'sync.unreachable' });
    await expect(feature.handlers['sync.enroll']({ cloudUrl: 'ftp://x', code: 'ABCD-EFGH-JKLM' })).rejects.toMatchObject({ code: 'sync.bad-cloud-url' });
  });

  it('enrolls at start from the file npm start hands it (when not enrolled yet), then deletes the file', async () => {
    const school = world.counties[0]!.schools[0]!;
    const file = await expectOk(call(cloud.url, 'POST', `/api/v1/admin/schools/${school.id}/enrollment-file`, { deviceName: '本机' }, world.counties[0]!.adminToken));
    const startDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tp-host-sync-start-'));
    try {
      const filePath = path.join(startDir, 'first-run.tpenroll.json');
      await fs.writeFile(filePath, JSON.stringify(file));
      const ctx: HostContext = { dataDir: startDir, events: createEventHub(() => {}), shell: 'browser', electronVersion: null, safeMode: false, appVersion: '0.1.0-test' };
      const feature = createSyncFeature(ctx, { startupEnrollmentFile: filePath });
      expect(await feature.handlers['sync.status']({})).toMatchObject({ enrolled: true, deviceId: file.deviceId, school: { id: school.id } });
      await expect(fs.stat(filePath)).rejects.toMatchObject({ code: 'ENOENT' });
      // A damaged file at start leaves the device as it was (not enrolled here) and says why in the log.
      await fs.rm(path.join(startDir, 'sync'), { recursive: true, force: true });
      await fs.writeFile(filePath, '{"format":"teachpoint-enrollment/1"}');
      const logged: string[] = [];
      const again = createSyncFeature(ctx, { startupEnrollmentFile: filePath, log: (m) => logged.push(m) });
      expect(await again.handlers['sync.status']({})).toMatchObject({ enrolled: false });
      expect(logged.join('\n')).toMatch(/teachpoint-enrollment\/1/);
    } finally {
      await fs.rm(startDir, { recursive: true, force: true });
    }
  });

  it('only protocol paths of the enrolled cloud can be requested', () => {
    const schema = bridgeMethods['sync.request'].request;
    for (const bad of ['/api/v2/push', 'http://evil/api/v1/push', '/api/v1/../admin', '/api/v1//x', '/blobs/abc', '/api/v1/push?x=1']) {
      expect(schema.safeParse({ path: bad, body: null, gzip: false }).success, bad).toBe(false);
    }
    expect(schema.safeParse({ path: '/api/v1/push', body: '{}', gzip: true }).success).toBe(true);
  });

  it('caps downloads only during class hours', async () => {
    const feature = await newFeature();
    const periods = [{ days: [1, 2, 3, 4, 5], start: '08:00', end: '11:30' }];
    const status = await feature.handlers['sync.setClassHours']({ classHours: { periods, capBytesPerSecond: 8192 } });
    expect(status.classHours.periods).toEqual(periods);
    expect(downloadCapAt(status.classHours, new Date(2026, 11, 1, 9, 0))).toBe(8192);
    expect(downloadCapAt(status.classHours, new Date(2026, 11, 1, 11, 30))).toBeNull();
    expect(downloadCapAt(status.classHours, new Date(2026, 11, 5, 9, 0))).toBeNull(); // Saturday
  });
});
