/**
 * Streaming ZIP64 writer for .tpk packs (Node 16).
 *
 * Layout: manifest.json, manifest.sig (both STORE, so the signed bytes sit verbatim in the file),
 * then `blobs/<sha256>` in the given order — STORE for media (streamed, CRC-32 and sha256 in the
 * same pass), DEFLATE for text. Local headers carry final sizes: STORE sizes are known up front;
 * the CRC (and DEFLATE sizes) are patched in place after the data is written, so no data
 * descriptors are needed and every zip tool can read the result. ZIP64 records are used for
 * entries ≥ 4 GiB, offsets ≥ 4 GiB and more than 65,534 entries.
 *
 * Atomic: written to `<out>.partial`, fsync'd, renamed into place. On any failure (bad input,
 * I/O error, abort) the partial file is removed and nothing is left at `out`.
 */
import { promises as fsp } from 'fs';
import * as crypto from 'crypto';
import * as zlib from 'zlib';
import { TeachPointError } from '../../common/errors/errors';
import { crc32Chunk } from './crc32-node';
import { concatBytes, utf8Encode } from '../format/encoding';
import { blobEntryName, MANIFEST_ENTRY, SIGNATURE_ENTRY } from '../format/manifest';
import { type EntryLayout, dosDateTime, encodeCentralHeader, encodeEnd, encodeLocalHeader } from '../format/zip-layout';
import { readFully } from './file-source';
import { SHA256_HEX } from '../../common/media/media';

export interface PackBlobInput {
  /** 64 lowercase hex; the entry is `blobs/<sha256>`. */
  sha256: string;
  /** Exact uncompressed size in bytes. */
  size: number;
  /** A file path (streamed) or the bytes themselves. */
  source: string | Uint8Array;
  /** DEFLATE (text: VTT, HTML, JSON) or STORE (media). */
  compress: boolean;
  /**
   * CRC-32 of the bytes when the caller computed it already (tpk build: in its hashing pass, with a
   * file stamp checked after writing): a STORE entry is then copied without computing it again.
   */
  crc32?: number;
}

export interface WritePackProgress {
  bytesDone: number;
  bytesTotal: number;
  entry: string;
}

export interface WritePackOptions {
  out: string;
  manifestBytes: Uint8Array;
  signatureBytes: Uint8Array;
  blobs: readonly PackBlobInput[];
  /** Entry timestamps (default: now). Pass a fixed date for reproducible output. */
  modifiedAt?: Date;
  /** Re-hash every blob while writing and fail on a mismatch (default true). */
  verifyHashes?: boolean;
  /** I/O buffer size (default 4 MiB). */
  bufferSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: WritePackProgress) => void;
  /** Always write ZIP64 records (tests; other tools must still read the result). */
  forceZip64?: boolean;
  /** Test seam: called before each blob is written. */
  beforeBlob?: (index: number) => void | Promise<void>;
}

export interface WritePackResult {
  path: string;
  size: number;
  entryCount: number;
  zip64: boolean;
}

const WRITE_BEHIND_BYTES = 64 * 1024 * 1024;
const DEFLATE_ZIP64_THRESHOLD = 0xff000000; // deflate can expand slightly; reserve ZIP64 room early

function writeError(code: string, zh: string, en: string, details?: Record<string, unknown>): TeachPointError {
  return new TeachPointError(code, { zh, en }, details);
}

async function writeAll(fh: fsp.FileHandle, buf: Uint8Array, offset: number, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await fh.write(buf, offset + done, length - done, position + done);
    if (bytesWritten <= 0) throw new Error('write returned 0 bytes');
    done += bytesWritten;
  }
}

/**
 * Sequential output with a coalescing buffer, so thousands of small entries cost a handful of
 * syscalls, while large media chunks are written straight from the read buffers (no copy).
 */
class Output {
  pos = 0;
  private readonly buf: Uint8Array;
  private bufStart = 0;
  private bufLen = 0;
  /**
   * Write-behind flushing: every 64 MiB an fdatasync starts in the background (one at a time), so
   * the disk writes while we copy and the final fsync has little left to do. Its first error is kept
   * and thrown by `settle()` — the kernel reports a writeback error to one sync call only.
   */
  private unsynced = 0;
  private syncing: Promise<void> | null = null;
  private syncError: unknown = null;
  constructor(
    private readonly fh: fsp.FileHandle,
    capacity: number,
  ) {
    this.buf = new Uint8Array(capacity);
  }
  async append(bytes: Uint8Array): Promise<void> {
    if (bytes.length > this.buf.length / 2) {
      await this.flush();
      await writeAll(this.fh, bytes, 0, bytes.length, this.pos);
      this.wrote(bytes.length);
      this.pos += bytes.length;
      this.bufStart = this.pos;
      return;
    }
    if (this.bufLen + bytes.length > this.buf.length) await this.flush();
    this.buf.set(bytes, this.bufLen);
    this.bufLen += bytes.length;
    this.pos += bytes.length;
  }
  /** Starts writing `bytes` (caller keeps it unchanged until the promise settles); the buffer must be flushed first. */
  writeDirect(bytes: Uint8Array): Promise<void> {
    if (this.bufLen !== 0) throw new Error('flush before writeDirect');
    const at = this.pos;
    this.pos += bytes.length;
    this.bufStart = this.pos;
    return writeAll(this.fh, bytes, 0, bytes.length, at).then(() => this.wrote(bytes.length));
  }
  private wrote(n: number): void {
    this.unsynced += n;
    if (this.unsynced < WRITE_BEHIND_BYTES || this.syncing) return;
    this.unsynced = 0;
    this.syncing = this.fh.datasync().then(
      () => {
        this.syncing = null;
      },
      (err: unknown) => {
        this.syncError ??= err;
        this.syncing = null;
      },
    );
  }
  /** Wait for a background flush; throw the first one that failed. */
  async settle(): Promise<void> {
    if (this.syncing) await this.syncing;
    if (this.syncError) throw this.syncError;
  }
  async patch(at: number, bytes: Uint8Array): Promise<void> {
    if (at >= this.bufStart && at + bytes.length <= this.bufStart + this.bufLen) {
      this.buf.set(bytes, at - this.bufStart);
      return;
    }
    if (at + bytes.length > this.bufStart) await this.flush();
    await writeAll(this.fh, bytes, 0, bytes.length, at);
  }
  async flush(): Promise<void> {
    if (this.bufLen > 0) {
      await writeAll(this.fh, this.buf, 0, this.bufLen, this.bufStart);
      this.wrote(this.bufLen);
    }
    this.bufLen = 0;
    this.bufStart = this.pos;
  }
}

export async function writePack(options: WritePackOptions): Promise<WritePackResult> {
  const partial = `${options.out}.partial`;
  const bufferSize = options.bufferSize ?? 4 * 1024 * 1024;
  const verify = options.verifyHashes ?? true;
  const { dosTime, dosDate } = dosDateTime(options.modifiedAt ?? new Date());
  const bytesTotal = options.manifestBytes.length + options.signatureBytes.length + options.blobs.reduce((n, b) => n + b.size, 0);
  let bytesDone = 0;

  // Validate inputs before touching the disk.
  const seen = new Set<string>();
  const blobs: PackBlobInput[] = [];
  for (const b of options.blobs) {
    if (!SHA256_HEX.test(b.sha256)) throw writeError('pack.write-bad-input', `blob 的 sha256 无效：${b.sha256}`, `Invalid blob sha256: ${b.sha256}`, { sha256: b.sha256 });
    if (!Number.isSafeInteger(b.size) || b.size < 0) throw writeError('pack.write-bad-input', `blob ${b.sha256} 的大小无效`, `Invalid size for blob ${b.sha256}`, { sha256: b.sha256 });
    if (seen.has(b.sha256)) continue; // identical content: stored once
    seen.add(b.sha256);
    blobs.push(b);
  }

  const checkAbort = () => {
    if (options.signal?.aborted) throw writeError('pack.write-aborted', '打包已取消。', 'Pack writing was cancelled.');
  };
  checkAbort();

  let fh: fsp.FileHandle | undefined;
  const bufs = [new Uint8Array(bufferSize), new Uint8Array(bufferSize)];
  try {
    fh = await fsp.open(partial, 'w', 0o644);
    const out = new Output(fh, bufferSize);
    const central: Uint8Array[] = [];
    let anyZip64 = !!options.forceZip64;

    const progress = (entry: string, n: number) => {
      bytesDone += n;
      options.onProgress?.({ bytesDone, bytesTotal, entry });
    };

    const startEntry = async (name: string, method: 0 | 8, size: number, crc = 0): Promise<EntryLayout> => {
      const nameBytes = utf8Encode(name);
      const zip64Local = !!options.forceZip64 || (method === 0 ? size >= 0xffffffff : size >= DEFLATE_ZIP64_THRESHOLD);
      const layout: EntryLayout = { nameBytes, method, crc32: crc, compressedSize: method === 0 ? size : 0, uncompressedSize: size, localHeaderOffset: out.pos, dosTime, dosDate, zip64Local };
      await out.append(encodeLocalHeader(layout));
      return layout;
    };
    const finishEntry = async (layout: EntryLayout, patchHeader: boolean) => {
      if (!layout.zip64Local && (layout.compressedSize >= 0xffffffff || layout.uncompressedSize >= 0xffffffff)) {
        throw writeError('pack.write-failed', '压缩后的条目超过 4 GiB，无法写入。', 'A compressed entry exceeded 4 GiB.', {});
      }
      // same length as the placeholder: zip64Local was fixed at start
      if (patchHeader) await out.patch(layout.localHeaderOffset, encodeLocalHeader(layout));
      const c = encodeCentralHeader(layout, options.forceZip64);
      if (c.length > 46 + layout.nameBytes.length || layout.zip64Local) anyZip64 = true;
      central.push(c);
    };

    /** STORE from memory: CRC first, so the header is final and nothing needs patching. */
    const writeBytesEntry = async (name: string, data: Uint8Array) => {
      const layout = await startEntry(name, 0, data.length, crc32Chunk(0, data));
      await out.append(data);
      await finishEntry(layout, false);
      progress(name, data.length);
    };

    /** Yields the blob's content in chunks (buffers are reused: consume before the next iteration). */
    async function* chunks(b: PackBlobInput): AsyncGenerator<Uint8Array> {
      if (typeof b.source !== 'string') {
        if (b.source.length !== b.size) throw sizeMismatch(b, b.source.length);
        for (let o = 0; o < b.source.length; o += bufferSize) yield b.source.subarray(o, Math.min(o + bufferSize, b.source.length));
        return;
      }
      const src = await fsp.open(b.source, 'r');
      let pending: Promise<number> | undefined;
      try {
        let filePos = 0;
        let idx = 0;
        pending = b.size > 0 ? readFully(src, bufs[0]!, 0, Math.min(bufferSize, b.size), 0) : undefined;
        while (pending) {
          const want = Math.min(bufferSize, b.size - filePos);
          const n = await pending;
          if (n !== want) throw sizeMismatch(b, filePos + n);
          const cur = bufs[idx]!;
          filePos += n;
          idx ^= 1;
          // read-ahead into the other buffer while the caller hashes and writes this one
          pending = filePos < b.size ? readFully(src, bufs[idx]!, 0, Math.min(bufferSize, b.size - filePos), filePos) : undefined;
          yield cur.subarray(0, n);
        }
        const probe = new Uint8Array(1);
        if ((await readFully(src, probe, 0, 1, filePos)) > 0) throw sizeMismatch(b, (await src.stat()).size);
      } finally {
        // never close the handle under an in-flight read-ahead (consumer stopped early or failed)
        if (pending) await pending.catch(() => 0);
        await src.close();
      }
    }

    const sizeMismatch = (b: PackBlobInput, actual: number) =>
      writeError(
        'pack.write-size-mismatch',
        `文件 ${typeof b.source === 'string' ? b.source : `blob ${b.sha256}`} 的大小是 ${actual} 字节，而不是预期的 ${b.size} 字节（打包过程中文件被修改？）。请重新运行 tpk build。`,
        `${typeof b.source === 'string' ? b.source : `Blob ${b.sha256}`} is ${actual} bytes, not the expected ${b.size} (changed during the build?). Run tpk build again.`,
        { sha256: b.sha256, expected: b.size, actual },
      );

    const writeBlob = async (b: PackBlobInput) => {
      const name = blobEntryName(b.sha256);
      const hash = verify ? crypto.createHash('sha256') : undefined;
      let crc = 0;
      let layout: EntryLayout;
      if (!b.compress && typeof b.source !== 'string') {
        if (b.source.length !== b.size) throw sizeMismatch(b, b.source.length);
        hash?.update(b.source);
        checkHash(b, hash);
        await writeBytesEntry(name, b.source);
        return;
      }
      if (!b.compress) {
        const known = b.crc32;
        layout = await startEntry(name, 0, b.size, known ?? 0);
        await out.flush();
        for await (const chunk of chunks(b)) {
          checkAbort();
          // the write (thread pool) overlaps with CRC + hash (main thread) — all only read the buffer
          const writing = out.writeDirect(chunk);
          try {
            if (known === undefined) crc = crc32Chunk(crc, chunk);
            hash?.update(chunk);
          } finally {
            await writing;
          }
          progress(name, chunk.length);
        }
        if (known !== undefined) crc = known;
        layout.compressedSize = b.size;
      } else {
        layout = await startEntry(name, 8, b.size);
        const deflate = zlib.createDeflateRaw({ level: 6 });
        const start = out.pos;
        const consumer = (async () => {
          for await (const piece of deflate as AsyncIterable<Buffer>) await out.append(piece);
        })();
        try {
          for await (const chunk of chunks(b)) {
            checkAbort();
            crc = crc32Chunk(crc, chunk);
            hash?.update(chunk);
            // copy: the chunk buffer is reused by the reader, deflate may hold on to it
            const copy = Buffer.from(chunk);
            if (!deflate.write(copy)) await new Promise<void>((resolve, reject) => {
              const onDrain = () => (deflate.off('error', onErr), resolve());
              const onErr = (e: Error) => (deflate.off('drain', onDrain), reject(e));
              deflate.once('drain', onDrain);
              deflate.once('error', onErr);
            });
            progress(name, chunk.length);
          }
          deflate.end();
          await consumer;
        } catch (err) {
          deflate.destroy();
          await consumer.catch(() => undefined);
          throw err;
        }
        layout.compressedSize = out.pos - start;
      }
      checkHash(b, hash);
      layout.crc32 = crc;
      await finishEntry(layout, true);
    };

    const checkHash = (b: PackBlobInput, hash: crypto.Hash | undefined) => {
      if (!hash) return;
      const actual = hash.digest('hex');
      if (actual !== b.sha256) {
        throw writeError(
          'pack.write-hash-mismatch',
          `${typeof b.source === 'string' ? b.source : 'blob'} 的 sha256 是 ${actual}，与清单中的 ${b.sha256} 不符（打包过程中文件被修改？）。请重新运行 tpk build。`,
          `${typeof b.source === 'string' ? b.source : 'Blob'} hashes to ${actual}, not ${b.sha256} as listed in the manifest (changed during the build?). Run tpk build again.`,
          { expected: b.sha256, actual },
        );
      }
    };

    await writeBytesEntry(MANIFEST_ENTRY, options.manifestBytes);
    await writeBytesEntry(SIGNATURE_ENTRY, options.signatureBytes);
    for (const [i, b] of blobs.entries()) {
      checkAbort();
      await options.beforeBlob?.(i);
      await writeBlob(b);
    }

    const cd = concatBytes(central);
    const cdOffset = out.pos;
    await out.append(cd);
    const entryCount = central.length;
    const end = encodeEnd({ entryCount, cdOffset, cdSize: cd.length, forceZip64: options.forceZip64 });
    if (end.length > 22) anyZip64 = true;
    await out.append(end);
    await out.flush();
    const pos = out.pos;
    await out.settle();
    await fh.truncate(pos); // in case `.partial` pre-existed and was longer
    await fh.sync();
    await fh.close();
    fh = undefined;
    checkAbort();
    await fsp.rename(partial, options.out);
    await fsyncDir(options.out);
    return { path: options.out, size: pos, entryCount, zip64: anyZip64 };
  } catch (err) {
    if (fh) await fh.close().catch(() => undefined);
    await fsp.unlink(partial).catch(() => undefined);
    throw err;
  }
}

/** Best effort: persist the rename (POSIX); Windows cannot open directories and does not need it. */
async function fsyncDir(file: string): Promise<void> {
  const dir = file.replace(/[\\/][^\\/]*$/, '') || '.';
  try {
    const d = await fsp.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* not supported on this platform */
  }
}

