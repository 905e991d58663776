/**
 * Cloud-side faults (issue 8 item 5), on PGlite and on a real PostgreSQL:
 *  - a device token revoked while a push is in flight → `auth.device-revoked`, nothing stored after;
 *  - pushes through the fault proxy with random cuts in both directions → every event exactly once;
 *  - the cloud process killed with SIGKILL mid-push (one batch stored but its ack lost, one batch
 *    half uploaded) and restarted on the same database and port → the re-sent batches are stored
 *    once (PostgreSQL: a real `teachpoint-cloud serve` child process).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../sync/server/db/migrate';
import { openPostgres } from '../../sync/server/db/postgres';
import { call, dbKinds, enrollDevice, expectOk, freshDb, seedWorld, sharedPostgres, startTestCloud, stopSharedPostgres, type TestCloud } from '../../sync/server/testing/harness';
import { postgresAvailable } from '../../sync/server/testing/postgres-server';
import { startCloudProcess } from './cloud-process';
import { realisticEvents } from '../../sync/client/testing/events';
import { countStored, partialPush, pushBody } from './events';
import { startFaultProxy } from './proxy';

afterAll(() => stopSharedPostgres());

const makeEvents = (n: number) => realisticEvents(n, ['learner-1', 'learner-2', 'learner-3'], 'class-1');

/** One push over fetch; network failures (cuts) come back as status 0. */
async function push(origin: string, token: string, body: Buffer): Promise<{ status: number; body: Record<string, unknown> & { error?: { code: string } } }> {
  try {
    const res = await fetch(`${origin}/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${token}`, 'teachpoint-protocol': '1' },
      body: new Uint8Array(body),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } catch {
    return { status: 0, body: {} };
  }
}

async function enrolledCloud(cloud: TestCloud): Promise<{ token: string; deviceId: string; staff: string }> {
  const world = await seedWorld(cloud, ['甲县'], 1);
  const county = world.counties[0]!;
  const device = await enrollDevice(cloud, county.adminToken, county.schools[0]!.id);
  return { ...device, staff: county.adminToken };
}

describe.each(dbKinds())('cloud faults on %s', (kind) => {
  it('a device revoked while its push is uploading gets auth.device-revoked, and nothing is stored after', async () => {
    const cloud = await startTestCloud(await freshDb(kind));
    try {
      const { token, deviceId, staff } = await enrolledCloud(cloud);
      const first = makeEvents(100);
      expect((await push(cloud.url, token, pushBody(first))).body).toMatchObject({ stored: 100 });

      const body = pushBody(makeEvents(100));
      const inFlight = partialPush(cloud.url, token, body, Math.floor(body.length / 2));
      await expectOk(call(cloud.url, 'POST', `/api/v1/admin/devices/${deviceId}/revoke`, {}, staff));
      inFlight.finish();
      const answer = await inFlight.response;
      expect(answer.status).toBe(401);
      expect(answer.body.error?.code).toBe('auth.device-revoked');

      const later = await push(cloud.url, token, pushBody(makeEvents(5)));
      expect([later.status, later.body.error?.code]).toEqual([401, 'auth.device-revoked']);
      const pull = await call(cloud.url, 'POST', '/api/v1/pull', { protocolVersion: 1, cursor: null }, token);
      expect([pull.status, pull.body.error.code]).toEqual([401, 'auth.device-revoked']);

      expect(await countStored(cloud.db, first.map((e) => e.id))).toEqual({ rows: 100, lost: 0, duplicated: 0, foreign: 0 });
    } finally {
      await cloud.close();
      await cloud.db.close();
    }
  });

  it('pushes through random cuts in both directions store every event exactly once', async () => {
    const cloud = await startTestCloud(await freshDb(kind));
    const proxy = await startFaultProxy({ upstream: cloud.url, seed: 20261201, cutAfterBytes: { min: 40, max: 9000 } });
    try {
      const { token } = await enrolledCloud(cloud);
      const batches = Array.from({ length: 30 }, () => makeEvents(100));
      let stored = 0;
      let duplicates = 0;
      let attempts = 0;
      for (const events of batches) {
        const body = pushBody(events);
        for (;;) {
          attempts++;
          const r = await push(proxy.origin, token, body);
          if (r.status === 200) {
            stored += r.body.stored as number;
            duplicates += r.body.duplicates as number;
            break;
          }
          expect(r.status).toBe(0); // only the network fails here, never the cloud
        }
      }
      const { cuts } = proxy.stats();
      expect(cuts).toBeGreaterThanOrEqual(10);
      expect(attempts).toBeGreaterThan(batches.length);
      expect(await countStored(cloud.db, batches.flat().map((e) => e.id))).toEqual({ rows: 3000, lost: 0, duplicated: 0, foreign: 0 });
      // A batch stored but whose ack was cut comes back as duplicates: together exactly the total.
      expect(stored).toBe(3000 - duplicates);
    } finally {
      await proxy.close();
      await cloud.close();
      await cloud.db.close();
    }
  });
});

describe.runIf(postgresAvailable())('cloud process killed mid-push (PostgreSQL)', () => {
  it('stores a re-sent batch once after SIGKILL and restart, whether its ack was lost or its upload cut', async () => {
    const databaseUrl = await (await sharedPostgres()).createDatabase('restart');
    const db = await openPostgres(databaseUrl);
    await migrate(db);
    // Set-up through an in-process cloud on the same database (the cloud keeps no state in memory).
    const setup = await startTestCloud(db);
    const { token } = await enrolledCloud(setup);
    await setup.close();

    const env = { ...process.env, DATABASE_URL: databaseUrl };
    let cloud = await startCloudProcess(env);
    const proxy = await startFaultProxy({ upstream: cloud.url, seed: 1 });
    try {
      const ackLost = makeEvents(200);
      const halfSent = makeEvents(200);
      const ackLostBody = pushBody(ackLost);
      const halfSentBody = pushBody(halfSent);

      // 1. The cloud stores the batch, the link dies on the first byte of its answer.
      proxy.setFaults({ cutAfterBytes: { min: 1, max: 1, direction: 'down' } });
      expect((await push(proxy.origin, token, ackLostBody)).status).toBe(0);
      proxy.setFaults({ cutAfterBytes: null });
      expect((await countStored(db, ackLost.map((e) => e.id))).lost).toBe(0);

      // 2. A second batch is half uploaded when the cloud is killed.
      const inFlight = partialPush(proxy.origin, token, halfSentBody, Math.floor(halfSentBody.length / 2));
      await cloud.kill('SIGKILL');
      expect((await inFlight.response).status).toBe(0);
      expect((await countStored(db, [...ackLost, ...halfSent].map((e) => e.id))).lost).toBe(200);

      // 3. Restarted on the same port (the device's URL does not change), the device re-sends both.
      cloud = await startCloudProcess(env, cloud.port);
      const again = await push(proxy.origin, token, ackLostBody);
      expect(again.body).toMatchObject({ stored: 0, duplicates: 200, rejected: [] });
      const rest = await push(proxy.origin, token, halfSentBody);
      expect(rest.body).toMatchObject({ stored: 200, duplicates: 0, rejected: [] });
      expect(await countStored(db, [...ackLost, ...halfSent].map((e) => e.id))).toEqual({ rows: 400, lost: 0, duplicated: 0, foreign: 0 });
    } finally {
      await proxy.close();
      await cloud.kill('SIGTERM');
      await db.close();
    }
  });
});
