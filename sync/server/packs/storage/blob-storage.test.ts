/**
 * The BlobStorage contract, once on local disk and once on S3 (s3rver on loopback): put verifies
 * sha256 and size before a blob becomes visible, put is idempotent, ranges read the right bytes,
 * delete removes. Plus the env switch between the two backends.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededBytes } from '../../../../content-packs/import/test-helpers';
import { startS3Server, type TestS3Server } from '../../testing/s3-server';
import type { BlobStorage } from './blob-storage';
import { blobStorageFromEnv } from './from-env';
import { LocalDiskBlobStorage } from './local-disk';
import { S3BlobStorage } from './s3';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
/** A stream of `bytes` in small chunks, like a pack entry. */
const streamOf = (bytes: Buffer) => Readable.from((function* () {
  for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
})());

let dir: string;
let s3: TestS3Server;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-blob-storage-'));
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const backends: Array<[string, () => BlobStorage]> = [
  ['local disk', () => new LocalDiskBlobStorage(join(dir, 'blobs'))],
  ['S3 (s3rver)', () => s3.storage('packs/blobs/')],
];

describe.each(backends)('BlobStorage on %s', (_name, make) => {
  const bytes = seededBytes('storage-contract', 700_001);
  const digest = sha(bytes);

  it('refuses bytes that do not match their sha256 or size, storing nothing', async () => {
    const storage = make();
    const wrong = Buffer.from(bytes);
    wrong[12345] = wrong[12345]! ^ 1;
    await expect(storage.put(digest, streamOf(wrong), bytes.length)).rejects.toMatchObject({ code: 'blob.hash-mismatch' });
    expect(await storage.has(digest)).toBe(false);
    await expect(storage.put(digest, streamOf(bytes.subarray(0, 1000)), bytes.length)).rejects.toMatchObject({ code: 'blob.hash-mismatch' });
    expect(await storage.size(digest)).toBeNull();
  });

  it('stores, reports size, reads whole and by range, is idempotent, deletes', async () => {
    const storage = make();
    await storage.put(digest, streamOf(bytes), bytes.length);
    expect(await storage.has(digest)).toBe(true);
    expect(await storage.size(digest)).toBe(bytes.length);
    await storage.put(digest, streamOf(Buffer.from('not even read')), bytes.length); // already there: no-op
    expect((await readAll(await storage.read(digest))).equals(bytes)).toBe(true);
    // (bytes 0-1, not 0-0: s3rver 3.7 reads an end of 0 as "to the end" — real S3, MinIO, OSS, COS do not.)
    expect((await readAll(await storage.read(digest, { start: 0, end: 1 }))).equals(bytes.subarray(0, 2))).toBe(true);
    expect((await readAll(await storage.read(digest, { start: 1000, end: 1999 }))).equals(bytes.subarray(1000, 2000))).toBe(true);
    expect((await readAll(await storage.read(digest, { start: 500_000, end: bytes.length - 1 }))).equals(bytes.subarray(500_000))).toBe(true);
    const empty = Buffer.alloc(0);
    await storage.put(sha(empty), Readable.from([]), 0);
    expect(await storage.size(sha(empty))).toBe(0);
    await storage.delete(digest);
    expect(await storage.has(digest)).toBe(false);
  });
});

it('local disk keeps the content store layout and leaves no temp files', async () => {
  const storage = new LocalDiskBlobStorage(join(dir, 'layout'));
  const b = seededBytes('layout', 1000);
  await storage.put(sha(b), streamOf(b), b.length);
  expect(readdirSync(join(dir, 'layout', sha(b).slice(0, 2), sha(b).slice(2, 4)))).toEqual([sha(b)]);
  expect(readdirSync(join(dir, 'layout', 'tmp'))).toEqual([]);
});

it('picks S3 when TEACHPOINT_S3_BUCKET is set, local disk otherwise', () => {
  const local = blobStorageFromEnv({}, dir);
  expect(local).toBeInstanceOf(LocalDiskBlobStorage);
  expect((local as LocalDiskBlobStorage).root).toBe(join(dir, 'blobs'));
  const remote = blobStorageFromEnv({ TEACHPOINT_S3_BUCKET: 'b1', TEACHPOINT_S3_ENDPOINT: 'http://127.0.0.1:9000', TEACHPOINT_S3_FORCE_PATH_STYLE: '1' }, dir);
  expect(remote).toBeInstanceOf(S3BlobStorage);
  expect((remote as S3BlobStorage).options).toMatchObject({ bucket: 'b1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
});
