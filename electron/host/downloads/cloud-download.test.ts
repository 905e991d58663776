/**
 * The downloader against the real cloud (sync/server on PGlite: pack upload, release to a school,
 * pull, device-token manifest routes, public /blobs with Range/If-Range) through a real nginx
 * caching reverse proxy (sync/server/testing/nginx.ts, 1 MiB cached slices) — with a cut mid-blob
 * between device and nginx, resumed from the partial file, the pack installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackLibrary } from '../../../content-packs/device/pack-library';
import { loadTrust } from '../../../content-packs/import/open-verified';
import { enrolTestRoot, testTrust, writeTestPack, type TestPack } from '../../../content-packs/import/test-helpers';
import type { Db } from '../../../sync/server/db/db';
import { call, enrollDevice, expectOk, freshDb, seedWorld, startTestCloud, type TestCloud } from '../../../sync/server/testing/harness';
import { nginxAvailable, startCachingProxy, type CachingProxy } from '../../../sync/server/testing/nginx';
import { localPackEnvironment, uploadPack } from '../../../sync/server/testing/packs';
import { startFaultProxy, type FaultProxy } from '../../../tests/faults/proxy';
import { DOWNLOAD_CHUNK_BYTES } from './blob-download';
import { downloadPack } from './pack-download';

describe.runIf(nginxAvailable())('download from the cloud through nginx', () => {
  let dir: string;
  let db: Db;
  let cloud: TestCloud;
  let nginx: CachingProxy;
  let cutter: FaultProxy;
  let pack: TestPack;
  let device: { deviceId: string; token: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tp-cloud-download-'));
    db = await freshDb('pglite');
    cloud = await startTestCloud(db, { packs: localPackEnvironment(join(dir, 'cloud'), [(await testTrust()).root.publicKeyFile]) });
    nginx = await startCachingProxy({ upstream: cloud.url });
    const world = await seedWorld(cloud, ['丙县'], 1);
    const county = world.counties[0]!;
    pack = await writeTestPack(join(dir, 'in'), { id: 'cn.test.clouddl', blobs: [{ seed: 'cloud-dl-a', size: 4 * 1024 * 1024 + 777 }, { seed: 'cloud-dl-b', size: 600_000 }] });
    expect((await uploadPack(cloud.url, county.adminToken, pack.path)).status).toBe(201);
    await expectOk(call(cloud.url, 'POST', '/api/v1/admin/releases', { packId: pack.id, version: pack.version, schoolIds: [county.schools[0]!.id] }, county.adminToken));
    device = await enrollDevice(cloud, county.adminToken, county.schools[0]!.id);
    // No throttle, no latency (the proxy's throttle path is not used): only a cut on the first
    // connection that carries more than 1.5 MB downstream.
    cutter = await startFaultProxy({ upstream: nginx.origin, seed: 7, cutAfterBytes: { min: 1_500_000, max: 1_500_000, direction: 'down' } });
  });
  afterAll(async () => {
    await cutter?.close();
    await nginx?.close();
    await cloud?.close();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pulls the release, downloads through nginx with a cut, resumes and installs', async () => {
    const page = await expectOk(call(cloud.url, 'POST', '/api/v1/pull', { protocolVersion: 1, cursor: null }, device.token));
    const release = (page.changes.packReleases as Array<{ packId: string; version: number; manifestSha256: string; totalBytes: number }>).find((r) => r.packId === pack.id)!;
    expect(release.totalBytes).toBe(pack.blobs.reduce((s, b) => s + b.size, 0));
    const dataDir = join(dir, 'device');
    await enrolTestRoot(dataDir);
    const library = new PackLibrary({ dataDir });
    const result = await downloadPack({
      library,
      cloudUrl: cutter.origin,
      token: device.token,
      release: { packId: release.packId, version: release.version, manifestSha256: release.manifestSha256, totalBytes: release.totalBytes },
      trust: await loadTrust(dataDir),
      reserveBytes: 0,
      diskFree: async () => ({ totalBytes: 1e12, freeBytes: 1e12 }),
      random: () => 0,
    });
    expect(cutter.stats().cuts).toBeGreaterThanOrEqual(1);
    expect(result.transfer.cuts).toBeGreaterThanOrEqual(1);
    expect(result.transfer.maxLostBytes).toBeLessThanOrEqual(DOWNLOAD_CHUNK_BYTES);
    expect(result).toMatchObject({ packId: pack.id, blobsFetched: 2, alreadyInstalled: false });
    expect((await library.list()).map((p) => [p.id, p.version])).toEqual([[pack.id, pack.version]]);
    for (const b of pack.blobs) expect(await library.store.has(b.sha256, b.size)).toBe(true);
  });
});
