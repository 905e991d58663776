/**
 * nginx (a real one, Debian's) as a caching reverse proxy in front of the cloud: a pack uploaded
 * through it, its blob fetched through it whole and by ranges across slice boundaries —
 * byte-identical, strong ETag intact, the second fetch a cache HIT, If-Range and 416 answered the
 * way the cloud answers them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestPack, testTrust, type TestPack } from '../../../content-packs/import/test-helpers';
import type { Db } from '../db/db';
import { freshDb, seedWorld, startTestCloud, type TestCloud } from './harness';
import { nginxAvailable, startCachingProxy, type CachingProxy } from './nginx';
import { localPackEnvironment, rawRequest, uploadPack } from './packs';

describe.runIf(nginxAvailable())('nginx caching proxy in front of the cloud', () => {
  let dir: string;
  let db: Db;
  let cloud: TestCloud;
  let proxy: CachingProxy;
  let pack: TestPack;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tp-nginx-test-'));
    db = await freshDb('pglite');
    cloud = await startTestCloud(db, { packs: localPackEnvironment(dir, [(await testTrust()).root.publicKeyFile]) });
    proxy = await startCachingProxy({ upstream: cloud.url });
    const world = await seedWorld(cloud, ['丁县'], 1);
    pack = await writeTestPack(join(dir, 'in'), { id: 'cn.test.nginx', blobs: [{ seed: 'nginx-video', size: 3 * 1024 * 1024 + 12345 }] });
    // The upload itself goes through the proxy (unbuffered pass-through for /api/).
    const up = await uploadPack(proxy.origin, world.counties[0]!.adminToken, pack.path);
    expect(up.status).toBe(201);
  });
  afterAll(async () => {
    await proxy?.close();
    await cloud?.close();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves ranges byte-identical with the cloud’s ETag, from the cache the second time', async () => {
    const blob = pack.blobs[0]!;
    const url = `${proxy.origin}/blobs/${blob.sha256}`;
    const etag = `"${blob.sha256}"`;
    // 1 MiB slices: this range spans all four.
    const range = 'bytes=1000000-3150000';
    const first = await rawRequest(url, { headers: { range } });
    expect(first.status).toBe(206);
    expect(first.headers['x-cache-status']).toBe('MISS');
    expect(first.headers['content-range']).toBe(`bytes 1000000-3150000/${blob.size}`);
    expect(first.headers.etag).toBe(etag);
    expect(first.body.equals(blob.bytes.subarray(1000000, 3150001))).toBe(true);
    const second = await rawRequest(url, { headers: { range } });
    expect(second.status).toBe(206);
    expect(second.headers['x-cache-status']).toBe('HIT');
    expect(second.body.equals(first.body)).toBe(true);

    const suffix = await rawRequest(url, { headers: { range: 'bytes=-1000' } });
    expect(suffix.status).toBe(206);
    expect(suffix.body.equals(blob.bytes.subarray(blob.size - 1000))).toBe(true);
    const whole = await rawRequest(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.etag).toBe(etag);
    expect(whole.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(whole.body.equals(blob.bytes)).toBe(true);
    expect((await rawRequest(url)).headers['x-cache-status']).toBe('HIT');
  });

  it('keeps If-Range, 416 and HEAD semantics through the proxy', async () => {
    const blob = pack.blobs[0]!;
    const url = `${proxy.origin}/blobs/${blob.sha256}`;
    const match = await rawRequest(url, { headers: { range: 'bytes=100-199', 'if-range': `"${blob.sha256}"` } });
    expect(match.status).toBe(206);
    expect(match.body.equals(blob.bytes.subarray(100, 200))).toBe(true);
    const stale = await rawRequest(url, { headers: { range: 'bytes=100-199', 'if-range': `"${'0'.repeat(64)}"` } });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(blob.bytes)).toBe(true);
    const beyond = await rawRequest(url, { headers: { range: `bytes=${blob.size}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${blob.size}`);
    const head = await rawRequest(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(blob.size));
    expect(head.headers.etag).toBe(`"${blob.sha256}"`);
    const missing = await rawRequest(`${proxy.origin}/blobs/${'1'.repeat(64)}`);
    expect(missing.status).toBe(404);
    expect((await rawRequest(`${proxy.origin}/blobs/${'1'.repeat(64)}`)).headers['x-cache-status']).not.toBe('HIT');
  });
});
