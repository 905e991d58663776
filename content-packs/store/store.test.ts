import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentStore, COPY_CHUNK_BYTES } from './content-store';
import { nodeStoreFs, type StoreFs } from './fs-seam';
import { PackIndex, type InstalledPackRecord } from './pack-index';
import { StoreMediaResolver } from './media-resolver';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function withSource<T>(bytes: Buffer, fn: (fd: number) => Promise<T>): Promise<T> {
  const p = join(dir, `src-${Math.random()}`);
  writeFileSync(p, bytes);
  const fd = fs.openSync(p, 'r');
  try {
    return await fn(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function record(id: string, version: number, blobs: Array<{ sha256: string; size: number; mime: string }>): InstalledPackRecord {
  return { id, version, title: { 'zh-CN': id }, publisher: 'k', installedAt: new Date(0).toISOString(), metaDir: `packs/${id}/${version}`, bytes: 0, resourceCount: blobs.length, blobs };
}

describe('ContentStore', () => {
  it.each([
    ['worker threads (default)', undefined],
    ['main thread (seam read/write)', nodeStoreFs],
  ])('copies a file range while hashing (multi-chunk, odd sizes) and dedupes — %s', async (_name, sfs) => {
    const store = new ContentStore(dir, sfs ? { fs: sfs } : {});
    await store.init();
    const blob = randomBytes(COPY_CHUNK_BYTES * 2 + 12345);
    const padded = Buffer.concat([randomBytes(777), blob, randomBytes(99)]);
    const h = sha(blob);
    const info = await withSource(padded, (fd) => store.putBlobFromFileRange(fd, 777, blob.length, h));
    expect(fs.readFileSync(info.path).equals(blob)).toBe(true);
    expect(info.path).toBe(join(dir, 'content', h.slice(0, 2), h.slice(2, 4), h));
    expect(await store.has(h, blob.length)).toBe(true);
    // second put: skipped (no temp created, same file)
    const ino = fs.statSync(info.path).ino;
    await withSource(padded, (fd) => store.putBlobFromFileRange(fd, 777, blob.length, h));
    expect(fs.statSync(info.path).ino).toBe(ino);
    expect(await store.listTemps()).toEqual([]);
  });

  it('copies empty and tiny blobs, and streams', async () => {
    const store = new ContentStore(dir);
    await store.init();
    const empty = Buffer.alloc(0);
    await withSource(Buffer.from('x'), (fd) => store.putBlobFromFileRange(fd, 0, 0, sha(empty)));
    expect(fs.statSync(store.blobPath(sha(empty))).size).toBe(0);
    const text = Buffer.from('{"a":"一二三"}'.repeat(1000));
    await store.putBlobFromStream(Readable.from([text.subarray(0, 100), text.subarray(100)]), sha(text), text.length);
    expect(fs.readFileSync(store.blobPath(sha(text))).equals(text)).toBe(true);
  });

  it('refuses a hash mismatch or a short source and leaves nothing behind', async () => {
    const store = new ContentStore(dir);
    await store.init();
    const blob = randomBytes(5000);
    const wrong = sha(Buffer.from('other'));
    await expect(withSource(blob, (fd) => store.putBlobFromFileRange(fd, 0, blob.length, wrong))).rejects.toMatchObject({ code: 'store.hash-mismatch' });
    await expect(withSource(blob, (fd) => store.putBlobFromFileRange(fd, 100, blob.length, sha(blob)))).rejects.toMatchObject({ code: 'store.source-truncated' });
    await expect(store.putBlobFromStream(Readable.from([blob]), wrong, blob.length)).rejects.toMatchObject({ code: 'store.hash-mismatch' });
    expect(await store.has(wrong)).toBe(false);
    expect(await store.listTemps()).toEqual([]);
    const blobs = [];
    for await (const b of store.listBlobs()) blobs.push(b);
    expect(blobs).toEqual([]);
  });

  it('maps ENOSPC at the fs seam to store.disk-full and cleans the temp file', async () => {
    let written = 0;
    const full: StoreFs = {
      ...nodeStoreFs,
      write: async (fd, b, o, l, p) => {
        if (written + l > 3 * 1024 * 1024) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        written += l;
        return nodeStoreFs.write(fd, b, o, l, p);
      },
    };
    const store = new ContentStore(dir, { fs: full });
    await store.init();
    const blob = randomBytes(8 * 1024 * 1024 + 10);
    await expect(withSource(blob, (fd) => store.putBlobFromFileRange(fd, 0, blob.length, sha(blob)))).rejects.toMatchObject({ code: 'store.disk-full' });
    expect(await store.listTemps()).toEqual([]);
    expect(await store.has(sha(blob))).toBe(false);
  });

  it('worker path: real ENOSPC from the kernel (/dev/full) → store.disk-full, temp removed', async () => {
    if (process.platform !== 'linux') return;
    const devFull: StoreFs = {
      ...(await import('./fs-seam')).fastStoreFs,
      open: (path, flags, mode) => (path.endsWith('.part') ? nodeStoreFs.open('/dev/full', 'w') : nodeStoreFs.open(path, flags, mode)),
    };
    const store = new ContentStore(dir, { fs: devFull });
    await store.init();
    const blob = randomBytes(100_000);
    await expect(withSource(blob, (fd) => store.putBlobFromFileRange(fd, 0, blob.length, sha(blob)))).rejects.toMatchObject({ code: 'store.disk-full' });
    expect(await store.has(sha(blob))).toBe(false);
  });

  it('worker path: hash mismatch and short source are refused', async () => {
    const store = new ContentStore(dir);
    await store.init();
    const blob = randomBytes(3 * 1024 * 1024);
    await expect(withSource(blob, (fd) => store.putBlobFromFileRange(fd, 0, blob.length, sha(Buffer.from('x'))))).rejects.toMatchObject({ code: 'store.hash-mismatch' });
    await expect(withSource(blob, (fd) => store.putBlobFromFileRange(fd, 10, blob.length, sha(blob)))).rejects.toMatchObject({ code: 'store.source-truncated' });
    expect(await store.listTemps()).toEqual([]);
  });

  it('cancels via AbortSignal', async () => {
    const store = new ContentStore(dir);
    await store.init();
    const blob = randomBytes(COPY_CHUNK_BYTES * 200);
    const ac = new AbortController();
    await expect(
      withSource(blob, (fd) => store.putBlobFromFileRange(fd, 0, blob.length, sha(blob), { signal: ac.signal, onBytes: () => ac.abort() })),
    ).rejects.toMatchObject({ code: 'store.cancelled' });
    expect(await store.listTemps()).toEqual([]);
  });

  it('gc frees unreferenced blobs; scrub quarantines a rotten one', async () => {
    const store = new ContentStore(dir);
    await store.init();
    const a = randomBytes(1000);
    const b = randomBytes(2000);
    for (const x of [a, b]) await withSource(x, (fd) => store.putBlobFromFileRange(fd, 0, x.length, sha(x)));
    expect(await store.gc(new Set([sha(a)]))).toEqual({ removed: 1, bytesFreed: 2000 });
    expect(await store.has(sha(b))).toBe(false);
    expect((await store.scrub()).bad).toEqual([]);
    // flip one byte on disk
    const p = store.blobPath(sha(a));
    const bytes = fs.readFileSync(p);
    bytes[10] = bytes[10]! ^ 0xff;
    fs.writeFileSync(p, bytes);
    const report = await store.scrub();
    expect(report.checked).toBe(1);
    expect(report.bad).toHaveLength(1);
    expect(report.bad[0]).toMatchObject({ sha256: sha(a), reason: 'hash-mismatch' });
    expect(fs.existsSync(p)).toBe(false);
    expect(fs.existsSync(report.bad[0]!.quarantinedTo)).toBe(true);
    expect((await store.scrub()).bad).toEqual([]);
  });

  it('cleans temp files left by a dead process, keeps live ones', async () => {
    const store = new ContentStore(dir);
    await store.init();
    writeFileSync(join(store.tmpDir, `abcd.999999999.1.part`), 'x');
    writeFileSync(join(store.tmpDir, `abcd.${process.pid}.1.part`), 'x');
    expect(await store.cleanStaleTemps()).toBe(1);
    expect(await store.listTemps()).toEqual([`abcd.${process.pid}.1.part`]);
  });
});

describe('PackIndex and media resolver', () => {
  it('writes atomically and resolves only referenced, present blobs', async () => {
    const store = new ContentStore(dir);
    await store.init();
    const index = new PackIndex(dir);
    const resolver = new StoreMediaResolver(store, index);
    const v = randomBytes(3000);
    await withSource(v, (fd) => store.putBlobFromFileRange(fd, 0, v.length, sha(v)));
    expect(await resolver.resolve(sha(v))).toBeNull(); // in the store but no pack references it
    await index.write([record('p1', 1, [{ sha256: sha(v), size: v.length, mime: 'video/mp4' }])]);
    expect(await resolver.resolve(sha(v))).toEqual({ path: store.blobPath(sha(v)), size: 3000, mime: 'video/mp4', sha256: sha(v) });
    expect(await resolver.resolve('../../etc/passwd')).toBeNull();
    expect(await resolver.resolve(sha(v).toUpperCase())).toBeNull();
    expect(await resolver.resolve('0'.repeat(64))).toBeNull();
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // another process rewrites the index → the resolver notices
    const other = new PackIndex(dir);
    await other.write([]);
    expect(await resolver.resolve(sha(v))).toBeNull();
    expect((await index.read()).generation).toBe(2);
  });

  it('an index write that fails leaves the old index intact', async () => {
    const index = new PackIndex(dir);
    await index.write([record('p1', 1, [])]);
    const failing = new PackIndex(dir, { ...nodeStoreFs, fsync: async () => { throw Object.assign(new Error('EIO'), { code: 'EIO' }); } });
    await expect(failing.write([record('p2', 1, [])])).rejects.toThrow();
    expect((await new PackIndex(dir).read()).packs.map((p) => p.id)).toEqual(['p1']);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
