/**
 * The main-thread copy path (a StoreFs without the worker copier: fault seams, and any caller
 * that passes plain node:fs) must refuse a hash mismatch exactly like the worker path
 * (issue 10 item 10: disabling that check went unnoticed).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COPY_CHUNK_BYTES, ContentStore } from './content-store';
import { nodeStoreFs } from './fs-seam';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp-store-main-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('ContentStore without the worker copier', () => {
  it('refuses bytes that do not hash to the expected name (file range and stream), leaving nothing behind', async () => {
    const store = new ContentStore(dir, { fs: nodeStoreFs });
    expect(nodeStoreFs.copyRange).toBeUndefined(); // really the main-thread loop
    await store.init();
    const blob = randomBytes(COPY_CHUNK_BYTES + 4321);
    const other = Buffer.from(blob);
    other[COPY_CHUNK_BYTES + 7] = other[COPY_CHUNK_BYTES + 7]! ^ 0x01; // same size, one bit off, in the second chunk
    const src = join(dir, 'src.bin');
    writeFileSync(src, other);
    const fd = fs.openSync(src, 'r');
    try {
      await expect(store.putBlobFromFileRange(fd, 0, other.length, sha(blob))).rejects.toMatchObject({ code: 'store.hash-mismatch' });
    } finally {
      fs.closeSync(fd);
    }
    await expect(store.putBlobFromStream(Readable.from([other]), sha(blob), other.length)).rejects.toMatchObject({ code: 'store.hash-mismatch' });
    expect(await store.has(sha(blob))).toBe(false);
    expect(await store.has(sha(other))).toBe(false);
    expect(await store.listTemps()).toEqual([]);
  });
});
