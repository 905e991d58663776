import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SHA256_HEX } from '../../common/media/media';
import { TeachPointError } from '../../common/errors/errors';
import { destinationError, sourceError, storeError } from './errors';
import { fastStoreFs, fsyncDir, writeAll, type StoreFs } from './fs-seam';
import { COPY_QUEUE_DEPTH, defaultCopyConcurrency } from './copy-workers';
import { defaultDurability, syncFileSystem, type Durability } from './durability';
import { hashFile } from '../node/hash-file';
import { pidAlive } from './lock';

/**
 * 512 KiB: the chunk is hashed and then written while it is still in the CPU's L2 cache. Measured
 * on the 1 GiB import bench pack (copy+hash+write, warm source): 128–512 KiB ≈ 1.1–1.7 s,
 * 1 MiB ≈ 2.1–2.4 s, 4 MiB ≈ 3.2–4.4 s (docs/benchmarks.md).
 */
export const COPY_CHUNK_BYTES = 512 * 1024;

export interface CopyOptions {
  signal?: AbortSignal;
  /** Called after every chunk written with the bytes of this blob written so far. */
  onBytes?: (delta: number) => void;
  /**
   * Called about every 32 MiB and before the first read; throw to abort (the importer checks
   * the source file still exists — a pulled stick keeps an open fd readable on some systems).
   */
  checkSource?: () => Promise<void>;
  /** For the worker path's own mid-blob check: the source file must keep existing with this size. */
  sourcePath?: string;
  sourceSize?: number;
}

/** A blob copied and verified into a temp file, not yet visible in the store. */
export interface PendingBlob {
  readonly sha256: string;
  readonly size: number;
  /** fsync the temp file (unless already done) and rename it to content/<aa>/<bb>/<sha256>. */
  commit(): Promise<void>;
  /** Rename into place without an fsync: only after `store.flush()` ran after this blob was written. */
  commitFlushed(): Promise<void>;
  /** Delete the temp file. */
  discard(): Promise<void>;
}

export interface BlobInfo {
  sha256: string;
  path: string;
  size: number;
}

export interface ScrubReport {
  checked: number;
  bytes: number;
  bad: Array<{ sha256: string; reason: 'hash-mismatch' | 'bad-name' | 'unreadable'; quarantinedTo: string }>;
}

let tempCounter = 0;

/** Folder of resumable download partials inside the store's temp area (see ContentStore.openPartial). */
const PARTIAL_DIR = 'partial';

/** An open partial download file (see ContentStore.openPartial). */
export interface PartialBlob {
  readonly sha256: string;
  readonly path: string;
  /** Bytes already in the file when it was opened. */
  readonly size: number;
  readonly fd: number;
  /** Positional write of `length` bytes of `buf`; ENOSPC → store.disk-full. */
  write(buf: Buffer, length: number, position: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Content-addressed blob store: `content/<aa>/<bb>/<sha256>` under the data dir. A blob only
 * ever appears under its final name after its bytes were hashed, compared and fsynced in a temp
 * file (verify-then-move), so anything in `content/` is whole; `scrub()` catches later rot.
 */
export class ContentStore {
  readonly contentDir: string;
  readonly tmpDir: string;
  readonly quarantineDir: string;
  private readonly fs: StoreFs;
  private readonly dirtyDirs = new Set<string>();
  private readonly knownDirs = new Set<string>();

  /** See durability.ts. A fault-injecting fs seam always gets 'fsync' (its fsync is the one injected). */
  readonly durability: Durability;
  private syncfsWorks = true;

  constructor(readonly dataDir: string, options: { fs?: StoreFs; durability?: Durability } = {}) {
    this.contentDir = join(dataDir, 'content');
    this.tmpDir = join(dataDir, 'tmp');
    this.quarantineDir = join(dataDir, 'quarantine');
    this.fs = options.fs ?? fastStoreFs;
    this.durability = options.durability ?? (this.fs.copyRange ? defaultDurability() : 'fsync');
  }

  /**
   * Make everything written so far durable: 'syncfs' → one `sync -f`; 'fsync' (or if `sync -f`
   * fails) → fsync of every directory a commit renamed into, in parallel.
   */
  async flush(): Promise<void> {
    if (this.durability === 'syncfs' && this.syncfsWorks) {
      if (await syncFileSystem(this.dataDir)) {
        this.dirtyDirs.clear();
        return;
      }
      this.syncfsWorks = false;
    }
    await this.syncDirs();
  }

  /** True when a batch of blobs can be flushed together (commitFlushed after flush). */
  get batchesFlushes(): boolean {
    return this.durability === 'syncfs' && this.syncfsWorks;
  }

  /** How many blob copies an importer should keep in flight (worker path: every worker busy plus its next job queued). */
  get copyConcurrency(): number {
    return this.fs.copyRange ? defaultCopyConcurrency() * COPY_QUEUE_DEPTH : 2;
  }

  async init(): Promise<void> {
    try {
      await this.fs.mkdir(this.contentDir);
      await this.fs.mkdir(this.tmpDir);
    } catch (err) {
      throw destinationError(err, { dir: this.dataDir });
    }
  }

  blobPath(sha256: string): string {
    return join(this.contentDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** True when the blob is in the store with the expected size (it was verified before it got its name). */
  async has(sha256: string, size?: number): Promise<boolean> {
    try {
      const st = await fs.promises.stat(this.blobPath(sha256));
      return st.isFile() && (size === undefined || st.size === size);
    } catch {
      return false;
    }
  }

  /** Remove temp files left by processes that died (kill -9, power loss). Call under the data-dir lock. */
  async cleanStaleTemps(): Promise<number> {
    let names: string[];
    try {
      names = await fs.promises.readdir(this.tmpDir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      if (name === PARTIAL_DIR) continue; // resumable downloads outlive their process on purpose
      const pid = Number(name.split('.')[1]);
      if (pidAlive(pid)) continue;
      await fs.promises.rm(join(this.tmpDir, name), { force: true, recursive: true });
      removed++;
    }
    return removed;
  }

  /** Temp files of this process that still exist (tests assert none are left behind). */
  async listTemps(): Promise<string[]> {
    try {
      return await fs.promises.readdir(this.tmpDir);
    } catch {
      return [];
    }
  }

  /**
   * Copy `length` bytes at `offset` of an open source file into a temp file, hashing in the same
   * pass (three rotating buffers: the next read is in flight while the current chunk is hashed
   * and the previous one written). Refuses (and deletes the temp) on a hash mismatch.
   */
  async writeBlobFromFileRange(
    sourceFd: number,
    offset: number,
    length: number,
    expectedSha256: string,
    options: CopyOptions = {},
  ): Promise<PendingBlob> {
    checkSha(expectedSha256);
    if (this.fs.copyRange) return this.copyRangeOffThread(sourceFd, offset, length, expectedSha256, options);
    const { tmp, fd } = await this.openTemp(expectedSha256);
    const hash = createHash('sha256');
    const chunk = Math.min(COPY_CHUNK_BYTES, Math.max(length, 1));
    const bufs = [Buffer.allocUnsafe(chunk), Buffer.allocUnsafe(chunk), Buffer.allocUnsafe(chunk)];
    const sfs = this.fs;
    const readAt = async (buf: Buffer, pos: number): Promise<number> => {
      const want = Math.min(chunk, length - pos);
      let got = 0;
      try {
        while (got < want) {
          const n = await sfs.read(sourceFd, buf, got, want - got, offset + pos + got);
          if (n === 0) break;
          got += n;
        }
      } catch (err) {
        throw sourceError(err, { sha256: expectedSha256 });
      }
      if (got < want) throw storeError('store.source-truncated', { sha256: expectedSha256, expected: length, got: pos + got });
      return got;
    };
    let writeP: Promise<void> = Promise.resolve();
    let readP: Promise<number> | null = null;
    try {
      if (options.checkSource) await options.checkSource();
      let pos = 0;
      let i = 0;
      let sinceCheck = 0;
      // A read may fail (stick pulled, EIO) while we are still awaiting the previous write: mark
      // every read handled at creation so that failure is not reported as an unhandled rejection
      // before we get to `await readP` (which still throws it).
      const startRead = (buf: Buffer, at: number): Promise<number> => {
        const r = readAt(buf, at);
        r.catch(() => undefined);
        return r;
      };
      if (length > 0) readP = startRead(bufs[0]!, 0);
      while (pos < length) {
        const buf = bufs[i % 3]!;
        const n = await readP!;
        readP = null;
        const next = pos + n;
        if (next < length) readP = startRead(bufs[(i + 1) % 3]!, next);
        hash.update(n === buf.length ? buf : buf.subarray(0, n));
        await writeP;
        if (options.signal?.aborted) throw storeError('store.cancelled');
        const writePos = pos;
        writeP = writeAll(sfs, fd, buf, n, writePos).then(
          () => options.onBytes?.(n),
          (err) => {
            throw destinationError(err, { sha256: expectedSha256 });
          },
        );
        // Keep the pending write from becoming an unhandled rejection while we await the next read.
        writeP.catch(() => undefined);
        pos = next;
        i++;
        sinceCheck += n;
        if (options.checkSource && sinceCheck >= 32 * 1024 * 1024) {
          sinceCheck = 0;
          await options.checkSource();
        }
      }
      await writeP;
      const actual = hash.digest('hex');
      if (actual !== expectedSha256) throw storeError('store.hash-mismatch', { expected: expectedSha256, actual });
    } catch (err) {
      if (readP) await readP.catch(() => undefined);
      await writeP.catch(() => undefined);
      await sfs.close(fd).catch(() => undefined);
      await sfs.unlink(tmp).catch(() => undefined);
      throw err;
    }
    return this.pending(tmp, fd, expectedSha256, length);
  }

  private async copyRangeOffThread(sourceFd: number, offset: number, length: number, sha256: string, options: CopyOptions): Promise<PendingBlob> {
    // With sourcePath the worker opens the source itself and checks its size: no stat here (one
    // main-thread round trip less per blob — with many small blobs the workers waited for them).
    if (options.checkSource && options.sourcePath === undefined) await options.checkSource();
    if (options.signal?.aborted) throw storeError('store.cancelled');
    const { tmp, fd } = await this.openTemp(sha256);
    const outcome = await this.fs.copyRange!({
      srcFd: sourceFd,
      offset,
      length,
      dstFd: fd,
      expectedSha256: sha256,
      chunk: Math.min(COPY_CHUNK_BYTES, Math.max(length, 1)),
      fsync: this.durability === 'fsync',
      ...(options.sourcePath !== undefined ? { sourcePath: options.sourcePath } : {}),
      ...(options.sourceSize !== undefined ? { sourceSize: options.sourceSize } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onBytes ? { onBytes: options.onBytes } : {}),
    });
    if (outcome.ok) return this.pending(tmp, fd, sha256, length, this.durability === 'fsync');
    await this.fs.close(fd).catch(() => undefined);
    await this.fs.unlink(tmp).catch(() => undefined);
    switch (outcome.kind) {
      case 'cancelled':
        throw storeError('store.cancelled');
      case 'mismatch':
        throw storeError('store.hash-mismatch', { expected: sha256, actual: outcome.actual });
      case 'truncated':
        throw storeError('store.source-truncated', { sha256, expected: length, got: outcome.got });
      case 'source':
      case 'gone':
        throw sourceError(Object.assign(new Error(outcome.message ?? 'read failed'), { code: outcome.code ?? (outcome.kind === 'gone' ? 'ENOENT' : 'EIO') }), { sha256 });
      case 'dest':
        throw destinationError(Object.assign(new Error(outcome.message ?? 'write failed'), { code: outcome.code }), { sha256 });
    }
  }

  /** Same as writeBlobFromFileRange for a stream (e.g. an inflated DEFLATE entry). */
  async writeBlobFromStream(source: Readable, expectedSha256: string, expectedSize: number, options: CopyOptions = {}): Promise<PendingBlob> {
    checkSha(expectedSha256);
    const { tmp, fd } = await this.openTemp(expectedSha256);
    const hash = createHash('sha256');
    let pos = 0;
    try {
      if (options.checkSource) await options.checkSource();
      try {
        for await (const piece of source as AsyncIterable<Buffer>) {
          if (options.signal?.aborted) throw storeError('store.cancelled');
          if (pos + piece.length > expectedSize) throw storeError('store.hash-mismatch', { expected: expectedSha256, reason: 'longer than declared size' });
          hash.update(piece);
          try {
            await writeAll(this.fs, fd, piece, piece.length, pos);
          } catch (err) {
            throw destinationError(err, { sha256: expectedSha256 });
          }
          pos += piece.length;
          options.onBytes?.(piece.length);
        }
      } catch (err) {
        throw err instanceof TeachPointError ? err : sourceError(err, { sha256: expectedSha256 });
      }
      if (pos < expectedSize) throw storeError('store.source-truncated', { sha256: expectedSha256, expected: expectedSize, got: pos });
      const actual = hash.digest('hex');
      if (actual !== expectedSha256) throw storeError('store.hash-mismatch', { expected: expectedSha256, actual });
    } catch (err) {
      source.destroy();
      await this.fs.close(fd).catch(() => undefined);
      await this.fs.unlink(tmp).catch(() => undefined);
      throw err;
    }
    return this.pending(tmp, fd, expectedSha256, pos);
  }

  /** Copy + verify + commit + directory fsync in one call (single blobs, teacher's own files). */
  async putBlobFromFileRange(sourceFd: number, offset: number, length: number, sha256: string, options?: CopyOptions): Promise<BlobInfo> {
    if (await this.has(sha256, length)) return { sha256, path: this.blobPath(sha256), size: length };
    const p = await this.writeBlobFromFileRange(sourceFd, offset, length, sha256, options);
    await this.commitOne(p);
    return { sha256, path: this.blobPath(sha256), size: length };
  }

  async putBlobFromStream(source: Readable, sha256: string, size: number, options?: CopyOptions): Promise<BlobInfo> {
    if (await this.has(sha256, size)) {
      source.destroy();
      return { sha256, path: this.blobPath(sha256), size };
    }
    const p = await this.writeBlobFromStream(source, sha256, size, options);
    await this.commitOne(p);
    return { sha256, path: this.blobPath(sha256), size };
  }

  /** Commit one blob durably (flush → rename → flush, or fsync → rename → dir fsync). */
  async commitOne(p: PendingBlob): Promise<void> {
    if (this.batchesFlushes) {
      await this.flush();
      await p.commitFlushed();
    } else await p.commit();
    await this.flush();
  }

  /** Delete these blobs unless `referenced` holds them (targeted gc after a switch); never throws for one blob. */
  async deleteUnreferenced(candidates: Iterable<string>, referenced: ReadonlySet<string>): Promise<{ removed: number; bytesFreed: number }> {
    let removed = 0;
    let bytesFreed = 0;
    for (const sha of new Set(candidates)) {
      if (referenced.has(sha) || !SHA256_HEX.test(sha)) continue;
      const path = this.blobPath(sha);
      try {
        const st = await fs.promises.stat(path);
        await this.fs.unlink(path);
        removed++;
        bytesFreed += st.size;
      } catch {
        // ENOENT: already gone. EBUSY/EPERM (Windows: a video being played is open): leave it
        // unreferenced; the next full gc (store scrub) collects it.
      }
    }
    return { removed, bytesFreed };
  }

  /** fsync every content directory a commit renamed into since the last call. */
  async syncDirs(): Promise<void> {
    const dirs = [...this.dirtyDirs];
    this.dirtyDirs.clear();
    try {
      for (let i = 0; i < dirs.length; i += 16) await Promise.all(dirs.slice(i, i + 16).map((d) => fsyncDir(this.fs, d)));
    } catch (err) {
      throw destinationError(err);
    }
  }

  /** Every file under content/ (name, path, size). */
  async *listBlobs(): AsyncGenerator<BlobInfo> {
    for (const a of await readdirSafe(this.contentDir)) {
      const da = join(this.contentDir, a);
      for (const b of await readdirSafe(da)) {
        const db = join(da, b);
        for (const name of await readdirSafe(db)) {
          const path = join(db, name);
          let size = 0;
          try {
            const st = await fs.promises.stat(path);
            if (!st.isFile()) continue;
            size = st.size;
          } catch {
            continue;
          }
          yield { sha256: name, path, size };
        }
      }
    }
  }

  /** Delete every blob not in `referenced`; returns what was freed. */
  async gc(referenced: ReadonlySet<string>): Promise<{ removed: number; bytesFreed: number }> {
    let removed = 0;
    let bytesFreed = 0;
    for await (const blob of this.listBlobs()) {
      if (referenced.has(blob.sha256)) continue;
      try {
        await this.fs.unlink(blob.path);
        removed++;
        bytesFreed += blob.size;
      } catch {
        // gone already, or open elsewhere (Windows): collected next time
      }
    }
    return { removed, bytesFreed };
  }

  /** Re-hash every blob; move mismatching or misnamed ones to quarantine/ and report them. */
  async scrub(options: { onBlob?: (blob: BlobInfo) => void } = {}): Promise<ScrubReport> {
    const report: ScrubReport = { checked: 0, bytes: 0, bad: [] };
    for await (const blob of this.listBlobs()) {
      report.checked++;
      report.bytes += blob.size;
      options.onBlob?.(blob);
      let reason: ScrubReport['bad'][number]['reason'] | null = null;
      if (!SHA256_HEX.test(blob.sha256) || blob.path !== this.blobPath(blob.sha256)) reason = 'bad-name';
      else {
        try {
          if ((await hashFile(blob.path)).sha256 !== blob.sha256) reason = 'hash-mismatch';
        } catch {
          reason = 'unreadable';
        }
      }
      if (reason) {
        await this.fs.mkdir(this.quarantineDir);
        const to = join(this.quarantineDir, `${blob.sha256}.${Date.now()}`);
        await this.fs.rename(blob.path, to);
        report.bad.push({ sha256: blob.sha256, reason, quarantinedTo: to });
      }
    }
    return report;
  }

  /**
   * A resumable download's partial file, `tmp/partial/<sha256>` — named by the blob, so it survives
   * restarts and the next attempt continues it (cleanStaleTemps leaves this folder alone). Writes go
   * through the store's fs seam (ENOSPC maps to store.disk-full). Nothing here is ever visible in the
   * store until `commitPartial` after the caller hashed all of it.
   */
  async openPartial(sha256: string): Promise<PartialBlob> {
    checkSha(sha256);
    const path = join(this.tmpDir, PARTIAL_DIR, sha256);
    const sfs = this.fs;
    let fd: number;
    try {
      await sfs.mkdir(join(this.tmpDir, PARTIAL_DIR));
      // Not 'a': positional writes must land where asked (O_APPEND ignores the position on Linux).
      fd = await sfs.open(path, 'r+').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? sfs.open(path, 'w+', 0o644) : Promise.reject(err)));
    } catch (err) {
      throw destinationError(err, { path });
    }
    const size = (await fs.promises.stat(path)).size;
    let open = true;
    return {
      sha256,
      path,
      size,
      fd,
      write: async (buf, length, position) => {
        try {
          await writeAll(sfs, fd, buf, length, position);
        } catch (err) {
          throw destinationError(err, { sha256 });
        }
      },
      close: async () => {
        if (!open) return;
        open = false;
        await sfs.close(fd);
      },
    };
  }

  /** Start a partial file over (the server answered 200 to a resume, or its bytes did not verify). */
  async deletePartial(sha256: string): Promise<void> {
    checkSha(sha256);
    await this.fs.unlink(join(this.tmpDir, PARTIAL_DIR, sha256)).catch(() => undefined);
  }

  /**
   * A partial file whose `size` bytes the caller hashed to `sha256` becomes a PendingBlob: commit()
   * fsyncs it and renames it into content/ — the same verify-then-move path as an import.
   */
  async commitPartial(sha256: string, size: number): Promise<PendingBlob> {
    checkSha(sha256);
    const path = join(this.tmpDir, PARTIAL_DIR, sha256);
    let fd: number;
    try {
      fd = await this.fs.open(path, 'r+');
    } catch (err) {
      throw destinationError(err, { path });
    }
    return this.pending(path, fd, sha256, size);
  }

  private async openTemp(sha256: string): Promise<{ tmp: string; fd: number }> {
    const tmp = join(this.tmpDir, `${sha256.slice(0, 16)}.${process.pid}.${++tempCounter}.part`);
    try {
      return { tmp, fd: await this.fs.open(tmp, 'w', 0o644) };
    } catch (err) {
      throw destinationError(err, { path: tmp });
    }
  }

  private pending(tmp: string, fd: number, sha256: string, size: number, alreadySynced = false): PendingBlob {
    const sfs = this.fs;
    let open = true;
    const closeOnce = async (): Promise<void> => {
      if (!open) return;
      open = false;
      await sfs.close(fd);
    };
    const renameIntoPlace = async (sync: boolean): Promise<void> => {
      const final = this.blobPath(sha256);
      const dir = join(this.contentDir, sha256.slice(0, 2), sha256.slice(2, 4));
      try {
        if (sync) await sfs.fsync(fd);
        await closeOnce();
        if (!this.knownDirs.has(dir)) {
          await sfs.mkdir(dir);
          this.knownDirs.add(dir);
          this.dirtyDirs.add(join(this.contentDir, sha256.slice(0, 2)));
          this.dirtyDirs.add(this.contentDir);
        }
        await sfs.rename(tmp, final);
        this.dirtyDirs.add(dir);
      } catch (err) {
        await closeOnce().catch(() => undefined);
        await sfs.unlink(tmp).catch(() => undefined);
        throw destinationError(err, { sha256 });
      }
    };
    return {
      sha256,
      size,
      commit: () => renameIntoPlace(!alreadySynced),
      commitFlushed: () => renameIntoPlace(false),
      discard: async () => {
        await closeOnce().catch(() => undefined);
        await sfs.unlink(tmp).catch(() => undefined);
      },
    };
  }
}

function checkSha(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) throw storeError('store.hash-mismatch', { expected: sha256, reason: 'not a sha256' });
}

async function readdirSafe(dir: string): Promise<string[]> {
  try {
    return await fs.promises.readdir(dir);
  } catch {
    return [];
  }
}

