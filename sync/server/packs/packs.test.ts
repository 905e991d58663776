/**
 * Packs on the cloud through real HTTP, on PGlite and on a real PostgreSQL: upload verified with the
 * device's trust chain before anything is stored (tampered and untrusted packs → 422 with the
 * device's problem codes, storage unchanged), delta storage of a new version, releases scoped by
 * county (by school list and by 学段), pull of packReleases + trustedKeys, withdrawal, the device
 * manifest routes (404 for another school), and /blobs with every Range form via raw node:http.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestTrust, sampleManifest } from '../../../content-packs/format/testing';
import { testTrust, writeTestPack, type TestPack } from '../../../content-packs/import/test-helpers';
import { nodeEd25519 } from '../../../content-packs/node/ed25519-node';
import type { Db } from '../db/db';
import { call, dbKinds, enrollDevice, expectOk, freshDb, seedWorld, startTestCloud, stopSharedPostgres, type TestCloud, type World } from '../testing/harness';
import { localPackEnvironment, rawRequest, uploadPack } from '../testing/packs';
import { startS3Server, type TestS3Server } from '../testing/s3-server';
import { packEnvironment } from './environment';
import { packFacets } from './publish';
import { LocalDiskBlobStorage } from './storage/local-disk';

afterAll(stopSharedPostgres);

const pull = (cloud: TestCloud, token: string, cursor: string | null) => expectOk(call(cloud.url, 'POST', '/api/v1/pull', { protocolVersion: 1, cursor }, token));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function countFiles(dir: string): number {
  let n = 0;
  const walk = (d: string) => {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      try {
        readdirSync(p);
        walk(p);
      } catch {
        n++;
      }
    }
  };
  walk(dir);
  return n;
}

it('reads 学段/学科/版本 paths from a lesson tree', async () => {
  const trust = await makeTestTrust({ ed25519: nodeEd25519 });
  const blob = { sha256: 'a'.repeat(64), size: 1, mime: 'video/mp4' };
  const m = sampleManifest(trust.cert, { video: blob, thumb: { ...blob, mime: 'image/jpeg' }, vtt: { ...blob, mime: 'text/vtt' }, audio: { ...blob, mime: 'audio/mpeg' } });
  expect(packFacets(m.tree as never)).toEqual([{ stage: { id: 'primary', title: '小学' }, subject: { id: 'math', title: '数学' }, edition: null }]);
});

describe.each(dbKinds())('packs on %s', (kind) => {
  let db: Db;
  let cloud: TestCloud;
  let world: World;
  let dir: string;
  let v1: TestPack;
  let v2: TestPack;
  const A = () => world.counties[0]!;
  const B = () => world.counties[1]!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tp-cloud-packs-'));
    const trust = await testTrust();
    db = await freshDb(kind);
    cloud = await startTestCloud(db, { packs: localPackEnvironment(join(dir, 'cloud'), [trust.root.publicKeyFile]), limits: { deviceRequestsPerWindow: 1000 } });
    world = await seedWorld(cloud);
    v1 = await writeTestPack(join(dir, 'in'), { id: 'cn.test.math', version: 1, blobs: [{ seed: 'video-a', size: 300_000 }, { seed: 'video-b', size: 70_000 }, { seed: 'subs', size: 2_000, mime: 'text/vtt' }] });
    v2 = await writeTestPack(join(dir, 'in'), { id: 'cn.test.math', version: 2, blobs: [{ seed: 'video-a', size: 300_000 }, { seed: 'video-c', size: 50_000 }, { seed: 'subs', size: 2_000, mime: 'text/vtt' }] });
  });
  afterAll(async () => {
    await cloud?.close();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a tampered pack and an untrusted one with the device’s problem codes, storing nothing', async () => {
    const tampered = join(dir, 'tampered.tpk');
    const bytes = readFileSync(v1.path);
    const at = bytes.indexOf(v1.blobs[0]!.bytes.subarray(0, 64));
    expect(at).toBeGreaterThan(0);
    bytes[at + 10] = bytes[at + 10]! ^ 0xff;
    writeFileSync(tampered, bytes);
    const bad = await uploadPack(cloud.url, A().adminToken, tampered);
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('import.bad-blob');
    expect(bad.body.error.details.problems.map((p: { code: string }) => p.code)).toContain('pack.blob-hash-mismatch');
    expect(bad.body.error.message.zh).toMatch(/没有保存任何内容/);

    const stranger = await makeTestTrust({ ed25519: nodeEd25519 });
    const foreign = await writeTestPack(join(dir, 'foreign'), { id: 'cn.test.foreign', blobs: [{ seed: 'f', size: 1000 }], trust: stranger });
    const untrusted = await uploadPack(cloud.url, A().adminToken, foreign.path);
    expect(untrusted.status).toBe(422);
    expect(untrusted.body.error.code).toBe('import.untrusted');
    expect(untrusted.body.error.details.problems.map((p: { code: string }) => p.code)).toContain('pack.unknown-key');

    expect(countFiles(join(dir, 'cloud', 'blobs'))).toBe(0);
    expect(countFiles(join(dir, 'cloud', 'uploads'))).toBe(0);
    expect(await expectOk(call(cloud.url, 'GET', '/api/v1/admin/packs', undefined, A().adminToken))).toEqual([]);
    // Not signed in → no upload at all.
    const anonymous = await rawRequest(`${cloud.url}/api/v1/admin/packs`, { method: 'POST', headers: { authorization: 'Bearer tps_nope', 'content-type': 'application/octet-stream' }, body: Buffer.from('PK') });
    expect(anonymous.status).toBe(401);
  });

  it('refuses an upload over the size limit (413) and answers 503 without a root key, spooling nothing', async () => {
    const small = join(dir, 'small');
    const limited = await startTestCloud(db, { packs: packEnvironment(new LocalDiskBlobStorage(join(small, 'blobs')), { trustedRoots: [] }, { spoolDir: join(small, 'uploads'), maxPackBytes: 100_000 }) });
    try {
      // The whole body in one write: the cloud answers 413 from Content-Length without reading it.
      const big = await rawRequest(`${limited.url}/api/v1/admin/packs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${A().adminToken}`, 'content-type': 'application/octet-stream' },
        body: readFileSync(v1.path),
      });
      expect(big.status).toBe(413);
      const error = JSON.parse(big.body.toString('utf8')).error;
      expect(error.code).toBe('push.too-large');
      expect(error.message.zh).toMatch(/TEACHPOINT_MAX_PACK_BYTES/);
      const tiny = await writeTestPack(join(dir, 'tiny'), { id: 'cn.test.tiny', blobs: [{ seed: 'tiny', size: 1000 }] });
      const noRoot = await uploadPack(limited.url, A().adminToken, tiny.path);
      expect(noRoot.status).toBe(503);
      expect(noRoot.body.error.message.zh).toMatch(/根公钥/);
      expect(countFiles(small)).toBe(0);
    } finally {
      await limited.close();
    }
  });

  it('publishes a verified pack, then a new version storing only its new blobs', async () => {
    const first = await uploadPack(cloud.url, A().adminToken, v1.path);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ packId: 'cn.test.math', version: 1, blobCount: 3, blobsStored: 3, bytesStored: 372_000, totalBytes: 372_000, alreadyPublished: false });
    expect(first.body.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    const again = await uploadPack(cloud.url, A().adminToken, v1.path);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ alreadyPublished: true, blobsStored: 0 });
    const second = await uploadPack(cloud.url, B().adminToken, v2.path);
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ version: 2, blobsStored: 1, bytesStored: 50_000 });
    expect(countFiles(join(dir, 'cloud', 'blobs'))).toBe(4);

    const list = await expectOk(call(cloud.url, 'GET', '/api/v1/admin/packs', undefined, A().adminToken));
    expect(list.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(list[1]).toMatchObject({ uploadedBy: 'county0', facets: [{ stage: { title: '小学' }, subject: null, edition: null }], releasedSchools: 0 });
    expect(list[1].publisher.name).toBe('某县电教馆');
  });

  it('releases within the admin’s county; devices pull the release and its certificate, and fetch the manifest', async () => {
    const a1 = A().schools[0]!;
    const a2 = A().schools[1]!;
    const dev1 = await enrollDevice(cloud, A().adminToken, a1.id);
    const dev2 = await enrollDevice(cloud, A().adminToken, a2.id);
    const start1 = await pull(cloud, dev1.token, null);

    // Another county's admin cannot release to this county's school.
    const foreign = await call(cloud.url, 'POST', '/api/v1/admin/releases', { packId: 'cn.test.math', version: 1, schoolIds: [a1.id] }, B().adminToken);
    expect(foreign.status).toBe(404);

    const rel = await expectOk(call(cloud.url, 'POST', '/api/v1/admin/releases', { packId: 'cn.test.math', version: 1, schoolIds: [a1.id] }, A().adminToken));
    expect(rel).toEqual({ released: [{ packId: 'cn.test.math', version: 1, schoolIds: [a1.id] }], unchanged: 0 });
    const page = await pull(cloud, dev1.token, start1.cursor);
    expect(page.changes.packReleases).toEqual([
      expect.objectContaining({ id: 'cn.test.math@1', packId: 'cn.test.math', version: 1, totalBytes: 372_000, deleted: false, title: { 'zh-CN': '测试资源包 cn.test.math' } }),
    ]);
    const trust = await testTrust();
    expect(page.changes.trustedKeys).toEqual([{ id: `certificate:${trust.cert.subject.keyId}`, kind: 'certificate', document: trust.cert, updatedAt: expect.any(String), deleted: false }]);
    const manifestSha = page.changes.packReleases[0].manifestSha256 as string;

    const m = await rawRequest(`${cloud.url}/api/v1/packs/cn.test.math/1/manifest`, { headers: { authorization: `Bearer ${dev1.token}` } });
    expect(m.status).toBe(200);
    expect(sha(m.body)).toBe(manifestSha);
    expect(m.headers.etag).toBe(`"${manifestSha}"`);
    expect(JSON.parse(m.body.toString('utf8')).id).toBe('cn.test.math');
    const sig = await rawRequest(`${cloud.url}/api/v1/packs/cn.test.math/1/manifest.sig`, { headers: { authorization: `Bearer ${dev1.token}` } });
    expect(sig.status).toBe(200);
    expect(sig.body.length).toBeGreaterThan(50);
    expect((await rawRequest(`${cloud.url}/api/v1/packs/cn.test.math/1/manifest`, { headers: { authorization: `Bearer ${dev1.token}`, 'if-none-match': `"${manifestSha}"` } })).status).toBe(304);
    // Another school's device, an unreleased version, no token: 404 / 404 / 401.
    expect((await rawRequest(`${cloud.url}/api/v1/packs/cn.test.math/1/manifest`, { headers: { authorization: `Bearer ${dev2.token}` } })).status).toBe(404);
    expect((await rawRequest(`${cloud.url}/api/v1/packs/cn.test.math/2/manifest.sig`, { headers: { authorization: `Bearer ${dev1.token}` } })).status).toBe(404);
    expect((await rawRequest(`${cloud.url}/api/v1/packs/cn.test.math/1/manifest`)).status).toBe(401);
    expect((await pull(cloud, dev2.token, null)).changes.packReleases).toBeUndefined();

    // Releasing again changes nothing (no new change for the device).
    expect((await expectOk(call(cloud.url, 'POST', '/api/v1/admin/releases', { packId: 'cn.test.math', version: 1, schoolIds: [a1.id] }, A().adminToken))).unchanged).toBe(1);
    expect((await pull(cloud, dev1.token, page.cursor)).changes).toEqual({});

    // By 学段 to a whole county: county B's admin gets the latest version for both of B's schools only.
    const byStage = await expectOk(call(cloud.url, 'POST', '/api/v1/admin/releases', { stage: '小学' }, B().adminToken));
    expect(byStage.released).toEqual([{ packId: 'cn.test.math', version: 2, schoolIds: B().schools.map((s) => s.id).sort() }]);
    expect((await pull(cloud, dev1.token, page.cursor)).changes).toEqual({});
    const listA = await expectOk(call(cloud.url, 'GET', '/api/v1/admin/releases', undefined, A().adminToken));
    expect(listA.map((r: { schoolId: string; version: number }) => [r.schoolId, r.version])).toEqual([[a1.id, 1]]);
    const listP = await expectOk(call(cloud.url, 'GET', '/api/v1/admin/releases?packId=cn.test.math', undefined, world.provinceToken));
    expect(listP).toHaveLength(3);
    const versionsB = await expectOk(call(cloud.url, 'GET', '/api/v1/admin/packs/cn.test.math/2', undefined, B().adminToken));
    expect(versionsB.releasedSchools).toBe(2);

    // Withdraw: the device sees deleted: true; the manifest is gone for it.
    expect(await expectOk(call(cloud.url, 'POST', '/api/v1/admin/releases/withdraw', { packId: 'cn.test.math', version: 1, schoolIds: [a1.id] }, A().adminToken))).toEqual({ withdrawn: 1 });
    const after = await pull(cloud, dev1.token, page.cursor);
    expect(after.changes.packReleases).toEqual([expect.objectContaining({ id: 'cn.test.math@1', deleted: true })]);
    expect(after.changes.trustedKeys).toBeUndefined();
    expect((await rawRequest(`${cloud.url}/api/v1/packs/cn.test.math/1/manifest`, { headers: { authorization: `Bearer ${dev1.token}` } })).status).toBe(404);
    expect(await expectOk(call(cloud.url, 'GET', '/api/v1/admin/releases?withdrawn=1', undefined, A().adminToken))).toEqual([expect.objectContaining({ withdrawn: true })]);
  });

  it('serves blobs with strong ETags, every Range form, If-Range, 416 and HEAD (raw HTTP)', async () => {
    const blob = v1.blobs[0]!;
    const url = `${cloud.url}/blobs/${blob.sha256}`;
    const etag = `"${blob.sha256}"`;
    const full = await rawRequest(url);
    expect(full.status).toBe(200);
    expect(full.body.equals(blob.bytes)).toBe(true);
    expect(full.headers).toMatchObject({
      etag,
      'accept-ranges': 'bytes',
      'cache-control': 'public, max-age=31536000, immutable',
      'content-type': 'application/octet-stream',
      'content-length': String(blob.size),
    });
    const cases: Array<[string, number, number]> = [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-', 1000, blob.size - 1],
      ['bytes=-500', blob.size - 500, blob.size - 1],
      ['bytes=299990-400000', 299_990, blob.size - 1],
    ];
    for (const [range, start, end] of cases) {
      const r = await rawRequest(url, { headers: { range } });
      expect(r.status, range).toBe(206);
      expect(r.headers['content-range'], range).toBe(`bytes ${start}-${end}/${blob.size}`);
      expect(r.headers['content-length'], range).toBe(String(end - start + 1));
      expect(r.headers.etag).toBe(etag);
      expect(r.body.equals(blob.bytes.subarray(start, end + 1)), range).toBe(true);
    }
    const matching = await rawRequest(url, { headers: { range: 'bytes=10-19', 'if-range': etag } });
    expect(matching.status).toBe(206);
    expect(matching.body.equals(blob.bytes.subarray(10, 20))).toBe(true);
    const stale = await rawRequest(url, { headers: { range: 'bytes=10-19', 'if-range': `"${'0'.repeat(64)}"` } });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(blob.bytes)).toBe(true);
    const multi = await rawRequest(url, { headers: { range: 'bytes=0-1,5-6' } });
    expect(multi.status).toBe(200);
    expect(multi.body.length).toBe(blob.size);
    const unsatisfiable = await rawRequest(url, { headers: { range: `bytes=${blob.size}-` } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers['content-range']).toBe(`bytes */${blob.size}`);
    const head = await rawRequest(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(blob.size));
    expect(head.headers.etag).toBe(etag);
    expect(head.body.length).toBe(0);
    const missing = await rawRequest(`${cloud.url}/blobs/${'0'.repeat(64)}`);
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');
    expect((await rawRequest(`${cloud.url}/blobs/not-a-sha`)).status).toBe(404);
  });
});

describe('packs on S3 storage (s3rver) and PGlite', () => {
  let s3: TestS3Server;
  let db: Db;
  let cloud: TestCloud;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tp-cloud-packs-s3-'));
    s3 = await startS3Server();
    db = await freshDb('pglite');
    const trust = await testTrust();
    cloud = await startTestCloud(db, { packs: localPackEnvironment(dir, [trust.root.publicKeyFile], s3.storage()) });
  });
  afterAll(async () => {
    await cloud?.close();
    await db?.close();
    await s3?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('publishes into the bucket and serves ranges from it', async () => {
    const world = await seedWorld(cloud, ['丙县'], 1);
    const pack = await writeTestPack(join(dir, 'in'), { id: 'cn.test.s3', blobs: [{ seed: 's3-video', size: 200_000 }] });
    const up = await uploadPack(cloud.url, world.counties[0]!.adminToken, pack.path);
    expect(up.status).toBe(201);
    const blob = pack.blobs[0]!;
    expect(await s3.storage().size(blob.sha256)).toBe(blob.size);
    const r = await rawRequest(`${cloud.url}/blobs/${blob.sha256}`, { headers: { range: 'bytes=100-199999' } });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 100-199999/${blob.size}`);
    expect(r.body.equals(blob.bytes.subarray(100))).toBe(true);
  });
});
