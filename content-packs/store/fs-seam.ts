import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { sharedCopyPool, type CopyJob, type CopyOutcome } from './copy-workers';

/**
 * Every write the content store and the importer make goes through this small interface, so a
 * test can inject ENOSPC (disk full), EIO or a crash point at an exact operation. The default is
 * plain node:fs on numeric file descriptors (positional reads/writes, no whole-file buffers).
 */
export interface StoreFs {
  open(path: string, flags: string, mode?: number): Promise<number>;
  read(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  write(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  fsync(fd: number): Promise<void>;
  close(fd: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  /** Write a whole small file (index, manifest copies); callers fsync through open/fsync. */
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  /**
   * Optional bulk path: copy a byte range fd → fd while hashing, compare, fsync — off the main
   * thread. When absent, the store runs the same loop on the main thread through read/write
   * above (which is what fault-injecting seams use).
   */
  copyRange?(job: CopyJob): Promise<CopyOutcome>;
}

const pOpen = promisify(fs.open);
const pRead = promisify(fs.read);
const pWrite = promisify(fs.write);
const pFsync = promisify(fs.fsync);
const pClose = promisify(fs.close);

export const nodeStoreFs: StoreFs = {
  open: (path, flags, mode) => pOpen(path, flags, mode),
  read: async (fd, buffer, offset, length, position) => (await pRead(fd, buffer, offset, length, position)).bytesRead,
  write: async (fd, buffer, offset, length, position) => (await pWrite(fd, buffer, offset, length, position)).bytesWritten,
  fsync: (fd) => pFsync(fd),
  close: (fd) => pClose(fd),
  rename: (from, to) => fs.promises.rename(from, to),
  unlink: (path) => fs.promises.unlink(path),
  mkdir: async (path) => {
    await fs.promises.mkdir(path, { recursive: true });
  },
  writeFile: (path, data) => fs.promises.writeFile(path, data),
};

/** node:fs plus the worker-thread bulk copier: the production default. */
export const fastStoreFs: StoreFs = {
  ...nodeStoreFs,
  copyRange: (job) => sharedCopyPool().run(job),
};

/** Write all of `length` bytes (fs.write may write fewer). */
export async function writeAll(sfs: StoreFs, fd: number, buffer: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const n = await sfs.write(fd, buffer, done, length - done, position + done);
    if (n <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
    done += n;
  }
}

/**
 * fsync a directory so a rename inside it survives power loss. Windows cannot open directories
 * for fsync (EPERM/EISDIR) — NTFS journals renames itself — so those errors are ignored there.
 */
export async function fsyncDir(sfs: StoreFs, dir: string): Promise<void> {
  let fd: number;
  try {
    fd = await sfs.open(dir, 'r');
  } catch (err) {
    if (process.platform === 'win32') return;
    throw err;
  }
  try {
    await sfs.fsync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (process.platform !== 'win32' && code !== 'EINVAL') throw err;
  } finally {
    await sfs.close(fd);
  }
}

/**
 * Replace `path` atomically: write `<path>.<pid>.tmp`, fsync, rename over `path`, fsync the
 * directory. Readers see the old file or the new one, never a mix; a crash leaves at most a
 * stray `.tmp` that the next write overwrites.
 */
export async function writeFileAtomic(sfs: StoreFs, path: string, data: Uint8Array | string, dir: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let fd: number | null = await sfs.open(tmp, 'w', 0o644);
  try {
    await writeAll(sfs, fd, bytes, bytes.length, 0);
    await sfs.fsync(fd);
    await sfs.close(fd);
    fd = null;
    await sfs.rename(tmp, path);
  } catch (err) {
    if (fd !== null) await sfs.close(fd).catch(() => undefined);
    await sfs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(sfs, dir);
}
