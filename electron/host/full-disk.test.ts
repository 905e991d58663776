/**
 * A completely full disk through the host's HTTP bridge (issue 10 item 2): the disk-full message
 * tells the teacher to remove a pack, so `packs.remove` must work with 0 bytes free, and every
 * other write (import, 我的资料 add, upload) must answer 422 with the bilingual `*.disk-full` error,
 * never 500 `bridge.internal`. The disk is simulated at the content store's fs seam (every byte
 * written fails with ENOSPC until a file is deleted) plus its free-space probe.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiskSpace } from '../../content-packs/store/disk-space';
import { PackLibrary } from '../../content-packs/device/pack-library';
import { enrolTestRoot, fullDiskFs, writeTestPack, type TestPack } from '../../content-packs/import/test-helpers';
import { createHost, type Host } from './host';
import { startHttpTransport, type HttpTransport } from './http/server';

const TOKEN = 'full-disk-test-token-0123456789abcdefghijkl';
const plenty = async (): Promise<DiskSpace> => ({ totalBytes: 1e12, freeBytes: 1e12 });
const zeroFree = async (): Promise<DiskSpace> => ({ totalBytes: 1e9, freeBytes: 0 });

let tmp: string;
let v1: TestPack;
let v2: TestPack;
/** A data dir with v1 installed (written on a disk with room), copied for each case. */
let baseData: string;
let pdf: string;
const PDF_BYTES = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tp-host-full-disk-'));
  v1 = await writeTestPack(join(tmp, 'stick'), { version: 1, blobs: [{ seed: 'full-a', size: 300_000 }, { seed: 'full-b', size: 200_000 }] });
  v2 = await writeTestPack(join(tmp, 'stick'), { version: 2, blobs: [{ seed: 'full-a', size: 300_000 }, { seed: 'full-c', size: 400_000 }] });
  baseData = join(tmp, 'base-data');
  await enrolTestRoot(baseData);
  await new PackLibrary({ dataDir: baseData, diskFree: plenty }).import(v1.path);
  pdf = join(tmp, '教案.pdf');
  writeFileSync(pdf, PDF_BYTES);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Reply {
  status: number;
  body: { ok: boolean; value?: unknown; error?: { code: string; message: { zh: string; en: string } } };
}

/** A host on a copy of the base data dir whose store sees a full disk, served over real HTTP. */
async function fullDiskHost(name: string, diskFree: () => Promise<DiskSpace>) {
  const dataDir = join(tmp, name);
  cpSync(baseData, dataDir, { recursive: true });
  const host: Host = await createHost({
    dataDir,
    shell: 'browser',
    appVersion: '0.0.0-test',
    extraDrives: [],
    trustedRootFiles: [],
    readDrives: async () => [],
    log: () => undefined,
    storeSeams: { fs: fullDiskFs(), diskFree },
  });
  const server: HttpTransport = await startHttpTransport({ handlers: host.handlers, events: host.events, media: host.media, materials: host.materials, staticDir: null, token: TOKEN, log: () => undefined });
  const teacherSession = (await host.handlers['teacher.setPin']({ pin: '2468' })).session;

  const request = (path: string, headers: Record<string, string>, body: Buffer): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: server.port, path, method: 'POST', headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${TOKEN}`, 'Content-Length': String(body.length), ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Reply['body'] }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    host,
    call: (method: string, payload: Record<string, unknown>) => request(`/api/bridge/${method}`, { 'Content-Type': 'application/json' }, Buffer.from(JSON.stringify(payload))),
    /** A privileged method: carries the teacher session. */
    teacherCall: (method: string, payload: Record<string, unknown>) =>
      request(`/api/bridge/${method}`, { 'Content-Type': 'application/json' }, Buffer.from(JSON.stringify({ ...payload, teacherSession }))),
    upload: (fileName: string, body: Buffer) =>
      request(`/api/materials/upload?name=${encodeURIComponent(fileName)}`, { 'Content-Type': 'application/octet-stream', 'X-Teacher-Session': teacherSession }, body),
    close: async () => {
      await server.close();
      await host.dispose();
    },
  };
}

/** 422 with a `<area>.disk-full` code and a message in both languages about the disk. */
function expectDiskFull(reply: Reply): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(422);
  expect(reply.body.ok).toBe(false);
  expect(reply.body.error?.code).toMatch(/^(import|store|materials)\.disk-full$/);
  expect(reply.body.error?.message.zh).toMatch(/空间|磁盘/);
  expect(reply.body.error?.message.en).toMatch(/disk/i);
}

/** Every way to add bytes — pack import, 我的资料 add, upload — answers the bilingual disk-full error. */
async function expectEveryWriteDiskFull(h: Awaited<ReturnType<typeof fullDiskHost>>): Promise<void> {
  expectDiskFull(await h.teacherCall('packs.import', { path: v2.path }));
  expectDiskFull(await h.teacherCall('materials.add', { path: pdf }));
  expectDiskFull(await h.upload('教案.pdf', PDF_BYTES));
}

describe('host on a completely full disk (HTTP bridge)', () => {
  it('0 bytes free: import, 我的资料 add and upload answer 422 *.disk-full; packs.remove succeeds and frees the pack', async () => {
    const h = await fullDiskHost('zero-free', zeroFree);
    try {
      await expectEveryWriteDiskFull(h);

      const removed = await h.teacherCall('packs.remove', { id: v1.id });
      expect(removed.status, JSON.stringify(removed.body)).toBe(200);
      expect(removed.body.value).toEqual({ id: v1.id, version: 1, bytesFreed: v1.blobs.reduce((s, b) => s + b.size, 0) });
      const list = await h.call('packs.list', {});
      expect(list.body).toEqual({ ok: true, value: [] });
      for (const b of v1.blobs) expect(await h.host.materials.library.store.has(b.sha256)).toBe(false);
    } finally {
      await h.close();
    }
  });

  it('free space unknown or misreported (the probe says plenty, every write fails): still 422 *.disk-full, never 500', async () => {
    const h = await fullDiskHost('writes-fail', plenty);
    try {
      await expectEveryWriteDiskFull(h);
      expect((await h.call('materials.list', {})).body).toEqual({ ok: true, value: [] });
      const list = await h.call('packs.list', {});
      expect((list.body.value as Array<{ version: number }>).map((p) => p.version)).toEqual([1]);

      const removed = await h.teacherCall('packs.remove', { id: v1.id });
      expect(removed.status, JSON.stringify(removed.body)).toBe(200);
      expect((await h.call('packs.list', {})).body).toEqual({ ok: true, value: [] });
    } finally {
      await h.close();
    }
  });
});
