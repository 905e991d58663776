/**
 * Blobs as files: `<root>/<aa>/<bb>/<sha256>` (the device content store's layout). A blob is
 * written to `<root>/tmp/`, hashed on the way, fsynced, then renamed into place (and its directory
 * fsynced), so a crash leaves either nothing or the whole verified blob — never a torn one under
 * its final name. Several cloud processes may share the directory: the rename is atomic and two
 * writers of one blob write the same bytes.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertSha256, hashingPassThrough, type BlobStorage } from './blob-storage';

export class LocalDiskBlobStorage implements BlobStorage {
  readonly kind = 'local' as const;
  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    assertSha256(sha256);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== null;
  }

  async size(sha256: string): Promise<number | null> {
    try {
      return (await fsp.stat(this.pathOf(sha256))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async put(sha256: string, source: Readable, size: number): Promise<void> {
    const final = this.pathOf(sha256);
    if (await this.has(sha256)) {
      source.destroy();
      return;
    }
    const tmpDir = join(this.root, 'tmp');
    await fsp.mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, `${sha256}.${process.pid}.${randomBytes(4).toString('hex')}`);
    const check = hashingPassThrough(sha256, size);
    try {
      await pipeline(source, check, createWriteStream(tmp, { flags: 'wx' }));
      check.check();
      const fh = await fsp.open(tmp, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      const dir = join(this.root, sha256.slice(0, 2), sha256.slice(2, 4));
      await fsp.mkdir(dir, { recursive: true });
      await fsp.rename(tmp, final);
      await syncDir(dir);
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
  }

  async read(sha256: string, range?: { start: number; end: number }): Promise<Readable> {
    const path = this.pathOf(sha256);
    // Open first so a missing blob rejects here rather than erroring the response stream later.
    const fh = await fsp.open(path, 'r');
    return fh.createReadStream({ autoClose: true, highWaterMark: 256 * 1024, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  async delete(sha256: string): Promise<void> {
    await fsp.rm(this.pathOf(sha256), { force: true });
  }
}

/** fsync a directory so a rename inside it survives a crash (a no-op where directories cannot be opened, e.g. Windows). */
async function syncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    // best effort
  } finally {
    await fh?.close();
  }
}
