/**
 * The cloud core through real HTTP on loopback, once on PGlite and once on a real PostgreSQL server
 * (started in a temp dir; required in CI): enrollment, push, pull, scoping across two counties,
 * staff sign-in, limits, xAPI export.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../common/ids/uuidv7';
import type { ClassRecord, LearnerRecord } from '../../common/records/records';
import type { Db } from './db/db';
import { call, dbKinds, enrollDevice, expectOk, freshDb, seedWorld, startTestCloud, stopSharedPostgres, type Json, type TestCloud, type World } from './testing/harness';

afterAll(stopSharedPostgres);

const ISO = (ms: number) => new Date(ms).toISOString();
let t0 = Date.parse('2026-03-01T08:00:00Z');
function event(learnerId: string, extra: Partial<Json> = {}): Json {
  return { id: uuidv7(), learnerId, classId: 'c1', verb: 'answered', objectId: 'pack1/set1/item1', packId: 'pack1', createdAt: ISO(t0++), result: { success: true, score: 1, durationMs: 4200 }, ...extra };
}
function learner(id: string, name: string, updatedAt: string, updatedBy: string, extra: Partial<LearnerRecord> = {}): LearnerRecord {
  return { id, createdAt: '2026-02-01T00:00:00Z', updatedAt, updatedBy, origin: 'device', deleted: false, classId: null, name, avatar: 'panda', picturePassword: null, archived: false, ...extra };
}
const push = (cloud: TestCloud, token: string, body: Json, headers?: Record<string, string>) => call(cloud.url, 'POST', '/api/v1/push', { protocolVersion: 1, batchId: uuidv7(), ...body }, token, headers);
const pull = (cloud: TestCloud, token: string, cursor: string | null, limit?: number) => call(cloud.url, 'POST', '/api/v1/pull', { protocolVersion: 1, cursor, ...(limit ? { limit } : {}) }, token);

describe.each(dbKinds())('cloud core on %s', (kind) => {
  let db: Db;
  let cloud: TestCloud;
  let world: World;
  let clockOffset = 0;
  const A = () => world.counties[0]!;
  const B = () => world.counties[1]!;

  beforeAll(async () => {
    db = await freshDb(kind);
    cloud = await startTestCloud(db, { clock: () => new Date(Date.now() + clockOffset), limits: { deviceRequestsPerWindow: 1000, enrollAttemptsPerWindow: 1000, loginAttemptsPerWindow: 1000 } });
    world = await seedWorld(cloud);
  });
  afterAll(async () => {
    await cloud?.close();
    await db?.close();
  });

  it('answers hello without auth and refuses an unknown protocol version', async () => {
    const hello = await expectOk(call(cloud.url, 'GET', '/api/v1/hello'));
    expect(hello).toMatchObject({ protocolVersion: 1, supported: [1], role: 'cloud', limits: { pushMaxWireBytes: 262144 } });
    const dev = await enrollDevice(cloud, A().adminToken, A().schools[0]!.id);
    const r = await call(cloud.url, 'POST', '/api/v1/pull', { protocolVersion: 9, cursor: null }, dev.token);
    expect(r.status).toBe(426);
    expect(r.body.error).toMatchObject({ code: 'protocol.unsupported-version', details: { supported: [1] } });
    expect(r.body.error.message.zh).toMatch(/更新/);
  });

  describe('enrollment', () => {
    it('uses a code exactly once, normalising case and dashes', async () => {
      const school = A().schools[0]!;
      const code = await expectOk(call(cloud.url, 'POST', `/api/v1/admin/schools/${school.id}/enrollment-codes`, {}, A().adminToken));
      expect(code.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      const typed = code.code.toLowerCase().replace(/-/g, ' ');
      const first = await call(cloud.url, 'POST', '/api/v1/enroll', { protocolVersion: 1, code: typed, device: { name: '教师机' } });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ school: { id: school.id, countyId: A().id, countyName: '甲县' } });
      expect(first.body.token).toMatch(/^tpd_[A-Za-z0-9_-]{43}$/);
      const again = await call(cloud.url, 'POST', '/api/v1/enroll', { protocolVersion: 1, code: code.code, device: { name: '另一台' } });
      expect(again.status).toBe(404);
      expect(again.body.error.code).toBe('enroll.bad-code');
      const codes = await expectOk(call(cloud.url, 'GET', `/api/v1/admin/schools/${school.id}/enrollment-codes`, undefined, A().adminToken));
      expect(codes.find((c: Json) => c.id === code.id)).toMatchObject({ state: 'used', usedByDevice: first.body.deviceId });
    });

    it('lets exactly one of two racing devices use a code', async () => {
      const code = await expectOk(call(cloud.url, 'POST', `/api/v1/admin/schools/${A().schools[0]!.id}/enrollment-codes`, {}, A().adminToken));
      const tries = await Promise.all([0, 1, 2].map((i) => call(cloud.url, 'POST', '/api/v1/enroll', { protocolVersion: 1, code: code.code, device: { name: `PC${i}` } })));
      expect(tries.map((t) => t.status).sort()).toEqual([201, 404, 404]);
    });

    it('refuses revoked and expired codes', async () => {
      const school = A().schools[1]!;
      const revoked = await expectOk(call(cloud.url, 'POST', `/api/v1/admin/schools/${school.id}/enrollment-codes`, {}, A().adminToken));
      await expectOk(call(cloud.url, 'POST', `/api/v1/admin/enrollment-codes/${revoked.id}/revoke`, {}, A().adminToken));
      expect((await call(cloud.url, 'POST', '/api/v1/enroll', { protocolVersion: 1, code: revoked.code, device: { name: 'x' } })).body.error.code).toBe('enroll.bad-code');
      const short = await expectOk(call(cloud.url, 'POST', `/api/v1/admin/schools/${school.id}/enrollment-codes`, { expiresInSeconds: 60 }, A().adminToken));
      clockOffset = 120_000;
      try {
        expect((await call(cloud.url, 'POST', '/api/v1/enroll', { protocolVersion: 1, code: short.code, device: { name: 'x' } })).status).toBe(404);
      } finally {
        clockOffset = 0;
      }
    });

    it('enrolls offline with an enrollment file whose token pushes like any other', async () => {
      const school = A().schools[1]!;
      const res = await call(cloud.url, 'POST', `/api/v1/admin/schools/${school.id}/enrollment-file`, { deviceName: '学生机 1' }, A().adminToken);
      expect(res.status).toBe(201);
      expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="teachpoint-enrollment-.*\.tpenroll\.json"/);
      expect(res.body).toMatchObject({ format: 'teachpoint-enrollment/1', cloudUrl: cloud.url, school: { id: school.id, name: school.name } });
      const ack = await expectOk(push(cloud, res.body.token, { events: [event('l-file')] }));
      expect(ack.stored).toBe(1);
      const devices = await expectOk(call(cloud.url, 'GET', `/api/v1/admin/schools/${school.id}/devices`, undefined, A().adminToken));
      expect(devices.find((d: Json) => d.id === res.body.deviceId)).toMatchObject({ enrolledVia: 'file', name: '学生机 1' });
    });

    it('refuses a revoked device with a message that says to re-enroll', async () => {
      const dev = await enrollDevice(cloud, A().adminToken, A().schools[0]!.id);
      expect((await push(cloud, dev.token, { events: [] })).status).toBe(200);
      await expectOk(call(cloud.url, 'POST', `/api/v1/admin/devices/${dev.deviceId}/revoke`, {}, A().adminToken));
      const r = await push(cloud, dev.token, { events: [event('l1')] });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('auth.device-revoked');
      expect(r.body.error.message.zh).toMatch(/登记码/);
      expect((await push(cloud, 'tpd_' + 'x'.repeat(43), { events: [] })).body.error.code).toBe('auth.required');
      expect((await push(cloud, '', { events: [] })).status).toBe(401);
    });
  });

  describe('push', () => {
    it('stores events once: a re-sent batch is all duplicates and still acknowledged', async () => {
      const dev = await enrollDevice(cloud, A().adminToken, A().schools[0]!.id);
      const events = Array.from({ length: 300 }, (_, i) => event(`l${i % 7}`));
      const first = await expectOk(push(cloud, dev.token, { events }));
      expect(first).toMatchObject({ stored: 300, duplicates: 0, rejected: [] });
      const again = await expectOk(push(cloud, dev.token, { events: [...events.slice(0, 100), event('l9')] }));
      expect(again).toMatchObject({ stored: 1, duplicates: 100, rejected: [] });
      const ids = events.map((e) => e.id);
      const count = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM events WHERE id = ANY($1::uuid[])', [ids]);
      expect(count.rows[0]!.n).toBe('300');
    });

    it('accepts gzip bodies and rejects one malformed item alone', async () => {
      const dev = await enrollDevice(cloud, A().adminToken, A().schools[0]!.id);
      const good = event('l1');
      const body = { protocolVersion: 1, batchId: 'gz', events: [good, { id: 'not-a-uuid', learnerId: 'l1' }, { nonsense: true }] };
      const res = await fetch(`${cloud.url}/api/v1/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${dev.token}`, 'teachpoint-protocol': '1' },
        body: gzipSync(JSON.stringify(body)),
      });
      const ack = (await res.json()) as Json;
      expect(res.status).toBe(200);
      expect(ack.stored).toBe(1);
      expect(ack.rejected).toEqual([
        expect.objectContaining({ kind: 'events', id: 'not-a-uuid', code: 'push.invalid-item' }),
        expect.objectContaining({ kind: 'events', id: '#2', code: 'push.invalid-item' }),
      ]);
      expect(ack.rejected[0].message.en).toMatch(/will not be re-sent/);
    });

    it('refuses oversized batches and unknown encodings with clear errors', async () => {
      const dev = await enrollDevice(cloud, A().adminToken, A().schools[0]!.id);
      const huge = JSON.stringify({ protocolVersion: 1, batchId: 'big', events: [], pad: 'x'.repeat(300 * 1024) });
      const big = await call(cloud.url, 'POST', '/api/v1/push', undefined, dev.token, { 'content-type': 'application/json' }).catch(() => undefined);
      expect(big?.status).toBe(400); // empty body: envelope missing
      const r = await fetch(`${cloud.url}/api/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${dev.token}` }, body: huge });
      expect(r.status).toBe(413);
      expect(((await r.json()) as Json).error.code).toBe('push.too-large');
      // A gzip bomb: small on the wire, over the decompressed limit.
      const bomb = gzipSync(JSON.stringify({ protocolVersion: 1, batchId: 'bomb', events: [], pad: ' '.repeat(3 * 1024 * 1024) }));
      expect(bomb.length).toBeLessThan(64 * 1024);
      const rb = await fetch(`${cloud.url}/api/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${dev.token}` }, body: bomb });
      expect(rb.status).toBe(413);
      const items = await push(cloud, dev.token, { events: Array.from({ length: 5001 }, () => ({})) });
      expect(items.status).toBe(413);
      expect(items.body.error).toMatchObject({ code: 'push.too-large', details: { what: 'items', limit: 5000 } });
      const br = await fetch(`${cloud.url}/api/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'br', authorization: `Bearer ${dev.token}` }, body: '{}' });
      expect(br.status).toBe(415);
      expect(((await br.json()) as Json).error.code).toBe('protocol.unsupported-encoding');
    });

    it('rate-limits a device with Retry-After, counted in the database', async () => {
      const limited = await startTestCloud(db, { limits: { deviceRequestsPerWindow: 3, rateWindowSeconds: 3600, enrollAttemptsPerWindow: 1000 } });
      try {
        const dev = await enrollDevice(limited, A().adminToken, A().schools[0]!.id);
        for (let i = 0; i < 3; i++) expect((await pull(limited, dev.token, null)).status).toBe(200);
        const r = await pull(limited, dev.token, null);
        expect(r.status).toBe(429);
        expect(r.body.error.code).toBe('rate.limited');
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      } finally {
        await limited.close();
      }
    });

    it('merges records last-writer-wins and never across schools', async () => {
      const school = A().schools[0]!;
      const d1 = await enrollDevice(cloud, A().adminToken, school.id, 'PC1');
      const d2 = await enrollDevice(cloud, A().adminToken, school.id, 'PC2');
      const other = await enrollDevice(cloud, B().adminToken, B().schools[0]!.id, 'B-PC');
      const id = uuidv7();
      const v1 = learner(id, '小明', '2026-03-01T09:00:00Z', d1.deviceId);
      const v2 = learner(id, '小明明', '2026-03-01T10:00:00Z', d2.deviceId);
      expect(await expectOk(push(cloud, d2.token, { records: { learners: [v2] } }))).toMatchObject({ stored: 1, duplicates: 0 });
      // An older version arriving later loses, and is still acknowledged.
      expect(await expectOk(push(cloud, d1.token, { records: { learners: [v1] } }))).toMatchObject({ stored: 0, duplicates: 1, rejected: [] });
      const list = await expectOk(call(cloud.url, 'GET', `/api/v1/admin/schools/${school.id}/records/learners`, undefined, A().adminToken));
      expect(list.find((l: Json) => l.id === id).name).toBe('小明明');
      // Another school's device cannot overwrite it, even with a newer version.
      const hijack = await expectOk(push(cloud, other.token, { records: { learners: [learner(id, '坏人', '2027-01-01T00:00:00Z', other.deviceId)] } }));
      expect(hijack.rejected).toEqual([expect.objectContaining({ kind: 'learners', id, code: 'push.foreign-record' })]);
      const after = await expectOk(call(cloud.url, 'GET', `/api/v1/admin/schools/${school.id}/records/learners`, undefined, A().adminToken));
      expect(after.find((l: Json) => l.id === id).name).toBe('小明明');
    });
  });

  describe('pull', () => {
    it('brings county-made records and other devices’ changes down, with a cursor, soft deletes and no echo', async () => {
      const school = A().schools[1]!;
      const d1 = await enrollDevice(cloud, A().adminToken, school.id, 'PC1');
      const d2 = await enrollDevice(cloud, A().adminToken, school.id, 'PC2');
      const start = await expectOk(pull(cloud, d1.token, null));
      // Earlier tests wrote into this school; from here on only what follows matters.
      let c1: string = start.cursor;
      const classId = uuidv7();
      const made: ClassRecord = await expectOk(call(cloud.url, 'PUT', `/api/v1/admin/schools/${school.id}/records/classes/${classId}`, { name: '一二年级复式班', grade: '一、二年级' }, A().adminToken));
      expect(made).toMatchObject({ origin: 'cloud', updatedBy: 'cloud:county0', deleted: false });
      const lid = uuidv7();
      await expectOk(push(cloud, d2.token, { records: { learners: [learner(lid, '小红', '2026-03-02T08:00:00Z', d2.deviceId, { classId })] } }));

      const page = await expectOk(pull(cloud, d1.token, c1));
      expect(page.changes.classes).toEqual([expect.objectContaining({ id: classId, name: '一二年级复式班', origin: 'cloud' })]);
      expect(page.changes.learners).toEqual([expect.objectContaining({ id: lid, name: '小红' })]);
      expect(page.more).toBe(false);
      c1 = page.cursor;
      // d2 pushed the learner itself: not echoed back to it.
      const p2 = await expectOk(pull(cloud, d2.token, start.cursor));
      expect(p2.changes.learners).toBeUndefined();
      expect(p2.changes.classes).toHaveLength(1);

      // Idle: nothing, same cursor, and a small answer.
      const idle = await call(cloud.url, 'POST', '/api/v1/pull', { protocolVersion: 1, cursor: c1 }, d1.token);
      expect(idle.body).toMatchObject({ changes: {}, cursor: c1, more: false });
      expect(JSON.stringify(idle.body).length).toBeLessThan(150);

      // Soft delete by the county arrives as a version with deleted: true.
      await expectOk(call(cloud.url, 'DELETE', `/api/v1/admin/schools/${school.id}/records/classes/${classId}`, undefined, A().adminToken));
      const del = await expectOk(pull(cloud, d1.token, c1));
      expect(del.changes.classes).toEqual([expect.objectContaining({ id: classId, deleted: true })]);
      expect(Number(del.cursor)).toBeGreaterThan(Number(c1));
    });

    it('pages with more: true and never loses or repeats a change across pages', async () => {
      const school = B().schools[1]!;
      const writer = await enrollDevice(cloud, B().adminToken, school.id, 'writer');
      const reader = await enrollDevice(cloud, B().adminToken, school.id, 'reader');
      let cursor: string | null = (await expectOk(pull(cloud, reader.token, null))).cursor;
      const ids = Array.from({ length: 25 }, () => uuidv7());
      await expectOk(push(cloud, writer.token, { records: { learners: ids.map((id, i) => learner(id, `学生${i}`, '2026-03-03T08:00:00Z', writer.deviceId)) } }));
      const seen: string[] = [];
      let pages = 0;
      for (;;) {
        const page: Json = await expectOk(pull(cloud, reader.token, cursor, 10));
        pages++;
        seen.push(...(page.changes.learners ?? []).map((l: Json) => l.id));
        cursor = page.cursor;
        if (!page.more) break;
      }
      expect(pages).toBe(3);
      expect(seen.sort()).toEqual([...ids].sort());
    });

    it('lets a push ack spare the pull when nothing is waiting', async () => {
      const school = B().schools[0]!;
      const dev = await enrollDevice(cloud, B().adminToken, school.id);
      const { cursor } = await expectOk(pull(cloud, dev.token, null));
      const ack = await expectOk(push(cloud, dev.token, { events: [event('l1')], cursor }));
      expect(ack.cursor).toBe(cursor);
      await expectOk(call(cloud.url, 'PUT', `/api/v1/admin/schools/${school.id}/records/classes/${uuidv7()}`, { name: '三年级' }, B().adminToken));
      const ack2 = await expectOk(push(cloud, dev.token, { events: [event('l1')], cursor }));
      expect(ack2.cursor).toBeNull();
    });

    it('records device status for the dashboard', async () => {
      const school = B().schools[0]!;
      const dev = await enrollDevice(cloud, B().adminToken, school.id, '状态机');
      await expectOk(call(cloud.url, 'POST', '/api/v1/pull', { protocolVersion: 1, cursor: null, status: { appVersion: '0.1.0', queuedEvents: 42, bytesToDownload: 1234567, installedPacks: [{ packId: 'p1', version: 3 }] } }, dev.token));
      const devices = await expectOk(call(cloud.url, 'GET', `/api/v1/admin/schools/${school.id}/devices`, undefined, B().adminToken));
      expect(devices.find((d: Json) => d.id === dev.deviceId)).toMatchObject({ appVersion: '0.1.0', queuedEvents: 42, bytesToDownload: 1234567, installedPacks: [{ packId: 'p1', version: 3 }] });
      expect(devices.find((d: Json) => d.id === dev.deviceId).lastPullAt).toBeTruthy();
    });
  });

  describe('scoping: two counties, two schools each', () => {
    it('a county admin sees and touches only their county', async () => {
      const mine = await expectOk(call(cloud.url, 'GET', '/api/v1/admin/schools', undefined, A().adminToken));
      expect(mine.map((s: Json) => s.countyId)).toEqual([A().id, A().id]);
      const all = await expectOk(call(cloud.url, 'GET', '/api/v1/admin/schools', undefined, world.provinceToken));
      expect(all).toHaveLength(4);
      const foreign = B().schools[0]!.id;
      for (const [method, path, body] of [
        ['GET', `/api/v1/admin/schools/${foreign}`],
        ['GET', `/api/v1/admin/schools/${foreign}/devices`],
        ['POST', `/api/v1/admin/schools/${foreign}/enrollment-codes`, {}],
        ['POST', `/api/v1/admin/schools/${foreign}/enrollment-file`, {}],
        ['GET', `/api/v1/admin/schools/${foreign}/records/learners`],
        ['PUT', `/api/v1/admin/schools/${foreign}/records/classes/${uuidv7()}`, { name: 'x' }],
        ['GET', `/api/v1/admin/export/xapi?schoolId=${foreign}`],
      ] as [string, string, unknown?][]) {
        const r = await call(cloud.url, method, path, body, A().adminToken);
        expect(r.status, `${method} ${path}`).toBe(404);
      }
      // Creating a school in another county lands in one's own or is refused.
      expect((await call(cloud.url, 'POST', '/api/v1/admin/schools', { name: '越界', countyId: B().id }, A().adminToken)).status).toBe(404);
      expect((await call(cloud.url, 'POST', '/api/v1/admin/counties', { name: '丙县' }, A().adminToken)).status).toBe(403);
      expect((await call(cloud.url, 'POST', '/api/v1/admin/accounts', { username: 'sneaky', password: 'long-enough-1', role: 'province-admin' }, A().adminToken)).status).toBe(403);
      const codes = await expectOk(call(cloud.url, 'POST', `/api/v1/admin/schools/${foreign}/enrollment-codes`, {}, B().adminToken));
      expect((await call(cloud.url, 'POST', `/api/v1/admin/enrollment-codes/${codes.id}/revoke`, {}, A().adminToken)).status).toBe(404);
    });

    it('a device reads and writes only its own school', async () => {
      const a1 = A().schools[0]!;
      const a2 = A().schools[1]!;
      const devA2 = await enrollDevice(cloud, A().adminToken, a2.id);
      const before = await expectOk(pull(cloud, devA2.token, null));
      await expectOk(call(cloud.url, 'PUT', `/api/v1/admin/schools/${a1.id}/records/classes/${uuidv7()}`, { name: '只属于第一教学点' }, A().adminToken));
      const page = await expectOk(pull(cloud, devA2.token, before.cursor));
      expect(page.changes).toEqual({});
      const full = await expectOk(pull(cloud, devA2.token, null, 1000));
      expect(JSON.stringify(full.changes)).not.toContain('只属于第一教学点');
    });

    it('exports xAPI statements (id = event id) as a download, scoped to the county', async () => {
      const devA = await enrollDevice(cloud, A().adminToken, A().schools[0]!.id);
      const devB = await enrollDevice(cloud, B().adminToken, B().schools[0]!.id);
      const ea = event('learner-a', { verb: 'mastered', objectId: 'pack1/set2', result: { durationMs: 65_250, score: 0.8 } });
      const eb = event('learner-b');
      await expectOk(push(cloud, devA.token, { events: [ea] }));
      await expectOk(push(cloud, devB.token, { events: [eb] }));
      const res = await fetch(`${cloud.url}/api/v1/admin/export/xapi`, { headers: { authorization: `Bearer ${A().adminToken}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="teachpoint-xapi-\d{4}-\d{2}-\d{2}\.json"/);
      const statements = (await res.json()) as Json[];
      const s = statements.find((x) => x.id === ea.id);
      expect(s).toMatchObject({
        id: ea.id,
        actor: { objectType: 'Agent', account: { name: 'learner-a' } },
        verb: { id: 'http://adlnet.gov/expapi/verbs/mastered' },
        object: { objectType: 'Activity', id: `${cloud.url}/activities/pack1/set2` },
        result: { score: { scaled: 0.8 }, duration: 'PT1M5.25S', completion: true },
        timestamp: ea.createdAt,
        version: '1.0.3',
      });
      expect(statements.some((x) => x.id === eb.id)).toBe(false);
      const province = (await (await fetch(`${cloud.url}/api/v1/admin/export/xapi?schoolId=${B().schools[0]!.id}`, { headers: { authorization: `Bearer ${world.provinceToken}` } })).json()) as Json[];
      expect(province.some((x) => x.id === eb.id)).toBe(true);
      expect(province.some((x) => x.id === ea.id)).toBe(false);
    });
  });

  describe('staff accounts', () => {
    it('signs in with a cookie or bearer token and signs out', async () => {
      const res = await call(cloud.url, 'POST', '/api/v1/auth/login', { username: 'county0', password: 'county-password-1' });
      expect(res.status).toBe(200);
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^tp_session=tps_[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
      const viaCookie = await call(cloud.url, 'GET', '/api/v1/auth/me', undefined, undefined, { cookie: cookie.split(';')[0]! });
      expect(viaCookie.body).toMatchObject({ username: 'county0', role: 'county-admin', countyId: A().id });
      await expectOk(call(cloud.url, 'POST', '/api/v1/auth/logout', {}, res.body.token));
      const after = await call(cloud.url, 'GET', '/api/v1/auth/me', undefined, res.body.token);
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('auth.session-expired');
    });

    it('locks an account after repeated wrong passwords, also for the right one, then unlocks', async () => {
      await expectOk(call(cloud.url, 'POST', '/api/v1/admin/accounts', { username: 'locky', password: 'right-password-1', role: 'county-admin', countyId: B().id }, world.provinceToken));
      for (let i = 0; i < 4; i++) {
        const r = await call(cloud.url, 'POST', '/api/v1/auth/login', { username: 'locky', password: `wrong-${i}` });
        expect(r.body.error.code).toBe('auth.bad-credentials');
      }
      const fifth = await call(cloud.url, 'POST', '/api/v1/auth/login', { username: 'locky', password: 'wrong-5' });
      expect(fifth.status).toBe(429);
      expect(fifth.body.error.code).toBe('auth.locked');
      const right = await call(cloud.url, 'POST', '/api/v1/auth/login', { username: 'locky', password: 'right-password-1' });
      expect(right.body.error.code).toBe('auth.locked');
      expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
      clockOffset = 16 * 60_000;
      try {
        expect((await call(cloud.url, 'POST', '/api/v1/auth/login', { username: 'locky', password: 'right-password-1' })).status).toBe(200);
      } finally {
        clockOffset = 0;
      }
      const unknown = await call(cloud.url, 'POST', '/api/v1/auth/login', { username: 'nobody', password: 'whatever-123' });
      expect(unknown.body.error.code).toBe('auth.bad-credentials');
    });

    it('expires idle sessions', async () => {
      let offset = 0;
      const strict = await startTestCloud(db, { clock: () => new Date(Date.now() + offset), limits: { sessionIdleSeconds: 600, loginAttemptsPerWindow: 1000 } });
      try {
        const { token } = await expectOk(call(strict.url, 'POST', '/api/v1/auth/login', { username: 'county1', password: 'county-password-1' }));
        offset = 5 * 60_000;
        expect((await call(strict.url, 'GET', '/api/v1/auth/me', undefined, token)).status).toBe(200);
        offset = 16 * 60_000; // 11 min after the last use
        expect((await call(strict.url, 'GET', '/api/v1/auth/me', undefined, token)).body.error.code).toBe('auth.session-expired');
      } finally {
        await strict.close();
      }
    });
  });
});
