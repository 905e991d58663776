/**
 * USB bundles on the cloud, on PGlite and on a real PostgreSQL: a progress bundle uploaded by county
 * staff (real HTTP) and through `teachpoint-cloud ingest` (the CLI on its own database connection)
 * goes through the push path once; the same bundle again stores nothing; a one-byte change, a cut
 * file, a revoked device and another county's staff are refused with nothing stored; `bundle-out`
 * writes a signed inbound bundle the device-side verifier accepts and that fails after one byte.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../common/ids/uuidv7';
import { formatTrustFile } from '../../../content-packs/format/trust';
import { testTrust, writeTestPack } from '../../../content-packs/import/test-helpers';
import { readPackIdentity } from '../../../content-packs/node/pack-identity';
import { verifyPackFile } from '../../../content-packs/node/verify';
import {
  PROGRESS_BUNDLE_FORMAT,
  parseInboundBundle,
  encodeProgressBundle,
  progressBundleKey,
  verifyInboundBundle,
} from '../../protocol/bundle';
import { runCloudCli } from '../cli/main';
import type { Db } from '../db/db';
import { migrate } from '../db/migrate';
import { openPglite } from '../db/pglite';
import { openPostgres } from '../db/postgres';
import { packEnvironmentFromEnv } from '../packs/environment';
import { publishPackFile } from '../packs/publish';
import { releasePacks } from '../packs/releases';
import { cliIO } from '../testing/cli';
import { call, dbKinds, enrollDevice, expectOk, freshDb, pgliteTemplate, seedWorld, sharedPostgres, startTestCloud, stopSharedPostgres, type DbKind, type Json, type TestCloud, type World } from '../testing/harness';

afterAll(stopSharedPostgres);

let t0 = Date.parse('2026-04-01T08:00:00Z');
const event = (learnerId: string): Json => ({
  id: uuidv7(),
  learnerId,
  classId: 'c1',
  verb: 'answered',
  objectId: 'pack1/set1/item1',
  packId: 'pack1',
  createdAt: new Date(t0++).toISOString(),
  result: { success: true, score: 1 },
});
const learner = (id: string, deviceId: string): Json => ({
  id,
  createdAt: '2026-03-01T00:00:00Z',
  updatedAt: '2026-03-02T00:00:00Z',
  updatedBy: deviceId,
  origin: 'device',
  deleted: false,
  classId: null,
  name: '小明',
  avatar: 'panda',
  picturePassword: null,
  archived: false,
});

/** What the device writes: `batches` PushRequests of `perBatch` events (+ one learner in the first). */
function makeBundle(device: { deviceId: string; token: string }, schoolId: string, batches: number, perBatch: number): { bytes: Uint8Array; bundleId: string; events: number } {
  const learnerId = uuidv7();
  const requests = Array.from({ length: batches }, (_, b) => ({
    protocolVersion: 1,
    batchId: uuidv7(),
    events: Array.from({ length: perBatch }, () => event(learnerId)),
    records: b === 0 ? { learners: [learner(learnerId, device.deviceId)] } : {},
    status: { appVersion: '0.1.0', queuedEvents: batches * perBatch },
  }));
  const bundleId = uuidv7();
  const bytes = encodeProgressBundle(
    { format: PROGRESS_BUNDLE_FORMAT, bundleId, deviceId: device.deviceId, school: { id: schoolId, name: '测试教学点' }, createdAt: new Date().toISOString(), batches, items: batches * perBatch + 1 },
    requests,
    progressBundleKey(device.token),
  );
  return { bytes, bundleId, events: batches * perBatch };
}

const upload = (cloud: TestCloud, token: string, bytes: Uint8Array) =>
  fetch(`${cloud.url}/api/v1/admin/bundles`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: Buffer.from(bytes) }).then(async (r) => ({ status: r.status, body: (await r.json()) as Json }));

async function countEvents(db: Db, deviceId: string): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::integer AS n FROM events WHERE device_id = $1', [deviceId]);
  return Number(r.rows[0]!.n);
}

describe.each(dbKinds())('USB bundles on %s', (kind: DbKind) => {
  let db: Db;
  let cloud: TestCloud;
  let world: World;
  const tmp = mkdtempSync(join(tmpdir(), 'tp-bundles-'));
  const A = () => world.counties[0]!;
  const B = () => world.counties[1]!;

  beforeAll(async () => {
    db = await freshDb(kind);
    cloud = await startTestCloud(db, { limits: { deviceRequestsPerWindow: 1000, enrollAttemptsPerWindow: 1000, loginAttemptsPerWindow: 1000 } });
    world = await seedWorld(cloud);
  });
  afterAll(async () => {
    await cloud?.close();
    await db?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('ingests a progress bundle through the push path once; the same bundle again stores nothing', async () => {
    const school = A().schools[0]!;
    const device = await enrollDevice(cloud, A().adminToken, school.id);
    const bundle = makeBundle(device, school.id, 3, 40);
    const first = await upload(cloud, A().adminToken, bundle.bytes);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ bundleId: bundle.bundleId, deviceId: device.deviceId, schoolId: school.id, batches: 3, stored: 121, duplicates: 0, rejected: 0, seenBefore: false });
    expect(await countEvents(db, device.deviceId)).toBe(120);
    const learners = await expectOk(call(cloud.url, 'GET', `/api/v1/admin/schools/${school.id}/records/learners`, undefined, A().adminToken));
    expect(learners).toHaveLength(1);

    const again = await upload(cloud, A().adminToken, bundle.bytes);
    expect(again.body).toMatchObject({ stored: 0, duplicates: 121, rejected: 0, seenBefore: true });
    expect(await countEvents(db, device.deviceId)).toBe(120);
  });

  it('refuses a bundle with one byte changed, or cut short, and stores nothing', async () => {
    const school = A().schools[1]!;
    const device = await enrollDevice(cloud, A().adminToken, school.id);
    const bundle = makeBundle(device, school.id, 2, 10);
    // A digit inside the last batch's last event time: still valid JSON and a valid PushRequest.
    const text = Buffer.from(bundle.bytes).toString('utf8');
    const at = text.lastIndexOf('"createdAt":"2026-') + '"createdAt":"202'.length;
    const tampered = Buffer.from(bundle.bytes);
    tampered[at] = tampered[at] === 0x36 ? 0x37 : 0x36;
    const r = await upload(cloud, A().adminToken, tampered);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('bundle.bad-mac');
    expect(r.body.error.message.zh).toMatch(/没有导入任何数据/);
    expect(r.body.error.message.en).toMatch(/Nothing was imported/);

    const cut = await upload(cloud, A().adminToken, bundle.bytes.subarray(0, bundle.bytes.length - 30));
    expect(cut.body.error.code).toBe('bundle.incomplete');
    expect(await countEvents(db, device.deviceId)).toBe(0);
  });

  it('keeps county admins to their county and refuses revoked devices', async () => {
    const school = A().schools[0]!;
    const device = await enrollDevice(cloud, A().adminToken, school.id);
    const bundle = makeBundle(device, school.id, 1, 5);
    const foreign = await upload(cloud, B().adminToken, bundle.bytes);
    expect(foreign.status).toBe(404);
    expect(await countEvents(db, device.deviceId)).toBe(0);

    await expectOk(call(cloud.url, 'POST', `/api/v1/admin/devices/${device.deviceId}/revoke`, {}, A().adminToken));
    const revoked = await upload(cloud, world.provinceToken, bundle.bytes);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('auth.device-revoked');
    expect(await countEvents(db, device.deviceId)).toBe(0);

    const anonymous = await upload(cloud, 'tps_nope', bundle.bytes);
    expect(anonymous.status).toBe(401);
  });

  it('teachpoint-cloud ingest and bundle-out work on the same database from the command line', async () => {
    // The CLI opens its own connection: a PGlite data dir made from the migrated template, or a PostgreSQL database.
    let env: NodeJS.ProcessEnv;
    let seedDb: Db;
    const dataDir = join(tmp, 'cloud-data');
    if (kind === 'pglite') {
      seedDb = await openPglite(join(dataDir, 'pglite'), { loadDataDir: await pgliteTemplate() });
      env = { TEACHPOINT_CLOUD_DATA: dataDir };
    } else {
      const url = await (await sharedPostgres()).createDatabase();
      seedDb = await openPostgres(url);
      env = { DATABASE_URL: url, TEACHPOINT_CLOUD_DATA: dataDir };
    }
    await migrate(seedDb);
    const { makeContext } = await import('../context');
    const { createCounty, createSchool } = await import('../services/schools');
    const { createEnrollmentFile } = await import('../services/enrollment');
    const ctx = makeContext(seedDb, { publicUrl: 'http://cloud.example' });
    const county = await createCounty(seedDb, null, '丙县');
    const school = await createSchool(seedDb, null, { countyId: county.id, name: '丙县第一教学点' });
    const file = await createEnrollmentFile(ctx, null, school.id, '教师机');
    // A pack the county published to the cloud and released to this school (B2's storage): bundle-out rebuilds its .tpk.
    const trust = await testTrust();
    const rootPub = join(tmp, 'root.pub');
    writeFileSync(rootPub, formatTrustFile(trust.root.publicKeyFile));
    const released = await writeTestPack(join(tmp, 'published'), { id: 'cn.test.released', blobs: [{ seed: 'rel1', size: 3000 }, { seed: 'rel2', size: 200, mime: 'text/vtt' }] });
    await publishPackFile(ctx, packEnvironmentFromEnv({ TEACHPOINT_TRUST_ROOTS: rootPub }, dataDir), null, released.path, 'cn.test.released-v1.tpk');
    await releasePacks(ctx, null, { packId: 'cn.test.released', version: 1 }, { schoolIds: [school.id] });
    await seedDb.close();

    const bundle = makeBundle({ deviceId: file.deviceId, token: file.token }, school.id, 2, 25);
    const bundlePath = join(tmp, 'progress.tpbundle');
    writeFileSync(bundlePath, bundle.bytes);
    const run = async (argv: string[]) => {
      const c = cliIO(tmp);
      c.io.env = env;
      const code = await runCloudCli(argv, c.io);
      return { code, ...c.text() };
    };
    const first = await run(['ingest', bundlePath, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual([expect.objectContaining({ stored: 51, duplicates: 0, seenBefore: false })]);
    const second = await run(['ingest', bundlePath]);
    expect(second.stdout).toMatch(/新增 0 条，已有 51 条/);

    const tampered = Buffer.from(bundle.bytes);
    tampered[20] = tampered[20]! ^ 1;
    writeFileSync(join(tmp, 'tampered.tpbundle'), tampered);
    const bad = await run(['ingest', join(tmp, 'tampered.tpbundle')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bundle\./);

    // Inbound: a county key + certificate, one pack; the device-side check accepts it and refuses one changed byte.
    writeFileSync(join(tmp, 'county.key'), formatTrustFile(trust.county.privateKeyFile));
    writeFileSync(join(tmp, 'county.cert'), formatTrustFile(trust.cert));
    const pack = await writeTestPack(join(tmp, 'built'), { id: 'cn.test.bundle', blobs: [{ seed: 'b1', size: 2048 }] });
    const out = await run(['bundle-out', '--school', school.id, '--key', 'county.key', '--cert', 'county.cert', '--pack', pack.path, '--out', 'stick', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const names = readdirSync(join(tmp, 'stick', 'TeachPoint')).sort();
    expect(names).toEqual(['TeachPoint-下发-丙县第一教学点-' + new Date().toISOString().slice(0, 10).replace(/-/g, '') + '.tpinbound', 'cn.test.bundle-v1.tpk', 'cn.test.released-v1.tpk'].sort());
    // The rebuilt pack is the published one: same manifest, and it verifies blob by blob against the root.
    const rebuilt = join(tmp, 'stick', 'TeachPoint', 'cn.test.released-v1.tpk');
    expect((await readPackIdentity(rebuilt)).manifestSha256).toBe((await readPackIdentity(released.path)).manifestSha256);
    expect((await verifyPackFile(rebuilt, { trustedRoots: [trust.root.publicKeyFile] })).ok).toBe(true);
    const inboundBytes = readFileSync(join(tmp, 'stick', 'TeachPoint', names.find((n) => n.endsWith('.tpinbound'))!));
    const parsed = parseInboundBundle(inboundBytes);
    expect(parsed.body.school.id).toBe(school.id);
    expect(parsed.body.packs).toEqual([
      expect.objectContaining({ file: 'cn.test.released-v1.tpk', packId: 'cn.test.released', version: 1 }),
      expect.objectContaining({ file: 'cn.test.bundle-v1.tpk', packId: 'cn.test.bundle', version: 1 }),
    ]);
    expect(parsed.body.pull.changes.packReleases).toEqual([expect.objectContaining({ packId: 'cn.test.released', version: 1 })]);
    expect(parsed.body.pull.changes.learners).toHaveLength(1);
    expect(parsed.body.acks).toEqual([{ deviceId: file.deviceId, bundleIds: [bundle.bundleId] }]);
    const roots = [trust.root.publicKeyFile];
    expect(await verifyInboundBundle(parsed, { trustedRoots: roots, now: new Date() })).toEqual([]);
    // One digit of a date inside the signed body: still valid JSON and schema, so only the signature can catch it.
    const flipped = Buffer.from(inboundBytes);
    const at = flipped.indexOf('"serverTime":"202') + '"serverTime":"202'.length;
    flipped[at] = flipped[at] === 0x36 ? 0x37 : 0x36;
    const reparsed = parseInboundBundle(flipped);
    expect((await verifyInboundBundle(reparsed, { trustedRoots: roots, now: new Date() })).map((p) => p.code)).toEqual(['pack.bad-signature']);
  });
});
