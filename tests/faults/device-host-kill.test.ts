/**
 * kill -9 of the device host mid-push (issue 8 item 5). The real host process (electron/host/cli/
 * serve.ts) relays the engine's requests to the cloud through the `sync.request` bridge method (it
 * holds the device token); a slow, long link (the fault proxy: 256 kbit/s, long round trips) sits
 * between host and cloud. The engine runs here with an in-memory outbox — standing in for the
 * renderer's IndexedDB outbox, which outlives a host crash on disk.
 *  1. The host is killed with SIGKILL while a batch is uploading.
 *  2. Restarted on the same data directory, it is killed again right after the cloud stored a batch
 *     and before the ack got back (the fault bites: the cloud holds events the outbox still has).
 *  3. Restarted once more, the engine finishes: every event is in the cloud exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncResponse } from '../../common/bridge/methods/sync';
import { uuidv7 } from '../../common/ids/uuidv7';
import { writeSyncCredentials } from '../../electron/host/sync/credentials';
import { bridgeSyncTransport } from '../../sync/client/bridge-transport';
import { createSyncEngine } from '../../sync/client/engine';
import type { SyncTransport } from '../../sync/client/transport';
import { realisticEvents } from '../../sync/client/testing/events';
import { MemorySyncStore } from '../../sync/client/testing/memory-store';
import { call, expectOk, freshDb, seedWorld, startTestCloud, type TestCloud } from '../../sync/server/testing/harness';
import { startDeviceHost, bridgeCall, type DeviceHostProcess } from './device-host';
import { countStored } from './events';
import { startFaultProxy, type FaultProxy } from './proxy';

/** The production transport (`sync.request` bridge calls) over the host's HTTP bridge; a dead host is no answer. */
function bridgeTransport(host: () => DeviceHostProcess): SyncTransport {
  return bridgeSyncTransport(async (request) => {
    const r = await bridgeCall<SyncResponse>(host(), 'sync.request', request);
    if (!r.ok) throw new Error(r.error.code);
    return r.value;
  });
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('device host killed with SIGKILL mid-push', () => {
  let cloud: TestCloud;
  let proxy: FaultProxy;
  let dataDir: string;
  let host: DeviceHostProcess | undefined;

  beforeAll(async () => {
    cloud = await startTestCloud(await freshDb('pglite'));
    proxy = await startFaultProxy({ upstream: cloud.url, seed: 8, bitsPerSecond: 256_000, latencyMs: 600 });
    dataDir = mkdtempSync(join(tmpdir(), 'tp-host-kill-'));
  });
  afterAll(async () => {
    await host?.kill('SIGKILL');
    await proxy?.close();
    await cloud?.close();
    await cloud?.db.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores every event exactly once after the host dies uploading and dies before the ack', async () => {
    const world = await seedWorld(cloud, ['甲县'], 1);
    const county = world.counties[0]!;
    const code = await expectOk(call(cloud.url, 'POST', `/api/v1/admin/schools/${county.schools[0]!.id}/enrollment-codes`, {}, county.adminToken));
    const enrolled = await expectOk(call(cloud.url, 'POST', '/api/v1/enroll', { protocolVersion: 1, code: code.code, device: { name: '教师机' } }));
    // Enrolled as `sync.enroll` would leave it, pointing at the cloud through the slow link.
    await writeSyncCredentials(dataDir, { cloudUrl: proxy.origin, deviceId: enrolled.deviceId, token: enrolled.token, school: enrolled.school, enrolledAt: new Date().toISOString(), via: 'code' });
    host = await startDeviceHost({ dataDir });

    const store = new MemorySyncStore();
    const engine = createSyncEngine({ store, transport: bridgeTransport(() => host!), server: proxy.origin, maxWireBytes: 16 * 1024 });
    const events = realisticEvents(2500, Array.from({ length: 12 }, () => uuidv7()), uuidv7());
    for (const e of events) store.write('events', e);
    const ids = events.map((e) => e.id);
    const inCloud = async () => (await countStored(cloud.db, ids)).rows;

    // 1. Killed while the first batch is on its way up.
    const up0 = proxy.stats().bytesUp;
    const first = engine.syncNow();
    await until(() => proxy.stats().bytesUp - up0 > 6000, 'the first batch to be uploading');
    await host.kill('SIGKILL');
    expect((await first).ok).toBe(false);
    expect(store.outbox.size).toBe(events.length); // nothing acknowledged, nothing lost
    const afterFirstKill = await inCloud();

    // 2. Restarted on the same data; killed as soon as the cloud has stored a batch, while its ack
    // is still crossing the long link back (1 s each way now).
    host = await startDeviceHost({ dataDir });
    proxy.setFaults({ latencyMs: 2000 });
    const second = engine.syncNow();
    await until(async () => (await inCloud()) > afterFirstKill, 'the cloud to store a batch');
    await host.kill('SIGKILL');
    expect((await second).ok).toBe(false);
    const acked = events.length - store.outbox.size;
    const stored = await inCloud();
    expect(stored).toBeGreaterThan(acked); // the fault bit: the cloud has events whose ack never came

    // 3. Restarted again: the engine re-sends what was not acknowledged; the cloud takes it as duplicates.
    proxy.setFaults({ latencyMs: 600 });
    host = await startDeviceHost({ dataDir });
    for (let attempt = 0; attempt < 5 && store.outbox.size > 0; attempt++) await engine.syncNow();
    expect(store.outbox.size).toBe(0);
    expect(store.rejected.size).toBe(0);
    expect(await countStored(cloud.db, ids)).toEqual({ rows: events.length, lost: 0, duplicated: 0, foreign: 0 });
  });
});
