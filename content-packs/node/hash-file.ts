import { createHash } from 'crypto';
import { open } from 'fs/promises';
import { crc32Chunk } from './crc32-node';

/** What a file looked like when it was hashed; compared again before its bytes are trusted later. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/**
 * sha256 of a file plus its stamp: 4 MiB positional reads into two reused buffers, the next read in
 * flight while the current buffer is hashed (several times faster than a ReadStream on slow
 * machines). If the file changes while it is read, it is hashed again (up to 3 times).
 * With `crc32: true` the ZIP CRC-32 is computed in the same pass (tpk build: the pack writer then
 * only copies bytes).
 */
export async function hashFile(file: string, bufferSize = 4 * 1024 * 1024, options: { crc32?: boolean } = {}): Promise<{ sha256: string; stamp: FileStamp; crc32?: number }> {
  for (let attempt = 0; ; attempt++) {
    const fh = await open(file, 'r');
    try {
      const before = await fh.stat();
      const hash = createHash('sha256');
      let crc = 0;
      const bufs = [Buffer.allocUnsafe(bufferSize), Buffer.allocUnsafe(bufferSize)];
      let pos = 0;
      let idx = 0;
      let pending = fh.read(bufs[0]!, 0, bufferSize, 0);
      for (;;) {
        const { bytesRead } = await pending;
        if (bytesRead === 0) break;
        const cur = bufs[idx]!;
        pos += bytesRead;
        idx ^= 1;
        pending = fh.read(bufs[idx]!, 0, bufferSize, pos);
        hash.update(cur.subarray(0, bytesRead));
        if (options.crc32) crc = crc32Chunk(crc, cur.subarray(0, bytesRead));
      }
      const after = await fh.stat();
      const stamp = { size: pos, mtimeMs: after.mtimeMs, ino: after.ino };
      if ((before.mtimeMs === after.mtimeMs && before.size === pos) || attempt >= 2) return { sha256: hash.digest('hex'), stamp, ...(options.crc32 ? { crc32: crc } : {}) };
    } finally {
      await fh.close();
    }
  }
}
