/**
 * The engine against a real cloud on loopback (PGlite; PostgreSQL too when present), through a proxy
 * that counts every byte on the wire. The wire-cost figures here are the ones the protocol promises:
 * ≤ 60 B per event including HTTP headers, an idle sync ≤ 2 round trips and ≤ 2,000 bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../common/ids/uuidv7';
import { call, dbKinds, enrollDevice, expectOk, freshDb, seedWorld, startTestCloud, stopSharedPostgres, type TestCloud, type World } from '../server/testing/harness';
import { createSyncEngine } from './engine';
import { createFetchTransport } from './fetch-transport';
import { startByteCountingProxy, type ByteCountingProxy } from '../../tests/sync/byte-counting-proxy';
import { MemorySyncStore } from './testing/memory-store';
import { realisticEvents } from './testing/events';

describe.each(dbKinds())('sync engine ↔ real cloud (%s)', (kind) => {
  let cloud: TestCloud;
  let world: World;
  let proxy: ByteCountingProxy;

  beforeAll(async () => {
    cloud = await startTestCloud(await freshDb(kind));
    world = await seedWorld(cloud, ['甲县'], 1);
    proxy = await startByteCountingProxy(cloud.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await cloud?.close();
    if (kind === 'postgres') await stopSharedPostgres();
  });

  async function newDevice() {
    const school = world.counties[0]!.schools[0]!;
    const device = await enrollDevice(cloud, world.counties[0]!.adminToken, school.id);
    const store = new MemorySyncStore();
    const transport = createFetchTransport({ baseUrl: proxy.url, token: device.token });
    const engine = createSyncEngine({ store, transport, server: proxy.url });
    return { device, store, engine, school };
  }

  it('pushes 1,000 realistic events exactly once at ≤ 60 wire bytes per event (headers included), then idles in 1 round trip', async () => {
    const { store, engine, school } = await newDevice();
    const learners = Array.from({ length: 12 }, () => uuidv7());
    const events = realisticEvents(1000, learners, uuidv7());
    for (const e of events) store.write('events', e);

    // First sync pulls from the beginning once (cursor null), so measure a second batch of events
    // pushed with a saved cursor — the steady state of a school syncing every day.
    await engine.syncNow();
    const more = realisticEvents(1000, learners, uuidv7());
    for (const e of more) store.write('events', e);
    proxy.reset();
    const result = await engine.syncNow();
    const wire = proxy.counts().total;
    expect(result.ok).toBe(true);
    expect(store.outbox.size).toBe(0);
    const bytesPerEvent = wire / more.length;
    console.log(JSON.stringify({ kind, events: more.length, wireBytes: wire, bytesPerEvent: Number(bytesPerEvent.toFixed(1)), roundTrips: result.roundTrips, transportEstimate: result.wireBytes }));
    expect(bytesPerEvent).toBeLessThanOrEqual(60);

    // Exactly once: the cloud has every event, once (xAPI export counts statements by id).
    const exported = await expectOk(call(cloud.url, 'GET', `/api/v1/admin/export/xapi?schoolId=${school.id}`, undefined, world.provinceToken));
    const ids = (exported as { id: string }[]).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of [...events, ...more]) expect(ids).toContain(e.id);

    // Idle: nothing to push, nothing to pull → one round trip, under 2,000 bytes.
    proxy.reset();
    const idle = await engine.syncNow();
    console.log(JSON.stringify({ kind, idleRoundTrips: idle.roundTrips, idleBytes: proxy.counts().total }));
    expect(idle.ok).toBe(true);
    expect(idle.roundTrips).toBeLessThanOrEqual(2);
    expect(proxy.counts().total).toBeLessThanOrEqual(2000);
  });

  it('re-sending a batch whose ack was lost stores nothing twice', async () => {
    const { store, engine, school, device } = await newDevice();
    const events = realisticEvents(30, [uuidv7()], uuidv7());
    for (const e of events) store.write('events', e);
    // The cloud got the batch but the device never saw the ack (cut after the request).
    await expectOk(call(cloud.url, 'POST', '/api/v1/push', { protocolVersion: 1, batchId: uuidv7(), events: events.slice(0, 20), records: {} }, device.token));
    const result = await engine.syncNow();
    expect(result.ok).toBe(true);
    expect(store.outbox.size).toBe(0);
    const exported = (await expectOk(call(cloud.url, 'GET', `/api/v1/admin/export/xapi?schoolId=${school.id}`, undefined, world.provinceToken))) as { id: string }[];
    for (const e of events) expect(exported.filter((s) => s.id === e.id)).toHaveLength(1);
  });

  it('pulls county-made records down and keeps them; a revoked device stops with a message that says what to do', async () => {
    const { store, engine, school, device } = await newDevice();
    const admin = world.counties[0]!.adminToken;
    const classId = uuidv7();
    const now = new Date().toISOString();
    await expectOk(call(cloud.url, 'PUT', `/api/v1/admin/schools/${school.id}/records/classes/${classId}`, { id: classId, name: '一二年级复式班', grade: '一、二年级', createdAt: now, updatedAt: now }, admin));
    const result = await engine.syncNow();
    expect(result.ok).toBe(true);
    expect(store.tables.classes.get(classId)).toMatchObject({ name: '一二年级复式班' });
    expect(await store.getCursor(proxy.url)).not.toBeNull();
    expect(store.outbox.size).toBe(0);

    await expectOk(call(cloud.url, 'POST', `/api/v1/admin/devices/${device.deviceId}/revoke`, {}, admin));
    store.write('events', realisticEvents(1, [uuidv7()], classId)[0]!);
    const refused = await engine.syncNow();
    expect(refused.ok).toBe(false);
    expect(refused.failure).toMatchObject({ code: 'auth.device-revoked', retryable: false });
    expect(refused.failure!.message.zh).toContain('新的登记码');
    expect(store.outbox.size).toBe(1);
  });
});
