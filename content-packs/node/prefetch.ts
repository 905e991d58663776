/**
 * Read a file front to back into the OS page cache while the CPU does something else — the importer
 * runs this while it verifies a pack's signature and manifest (CPU work during which a USB stick
 * would otherwise sit idle); the copy that follows starts at the front of the file and finds those
 * bytes cached. Nothing read here is used or written anywhere (verify-then-move is untouched), and
 * read errors are ignored (the real reads report them). Node 16 APIs only.
 */
import { promises as fsp } from 'fs';

export interface Prefetch {
  /** Stop reading (after the read in flight); resolves with the bytes read. */
  stop(): Promise<number>;
}

export function startPrefetch(path: string, options: { maxBytes: number; chunkBytes?: number }): Prefetch {
  let stopped = false;
  let bytes = 0;
  const chunk = options.chunkBytes ?? 1024 * 1024;
  const done = (async () => {
    let fh: fsp.FileHandle | null = null;
    try {
      fh = await fsp.open(path, 'r');
      const buf = Buffer.allocUnsafe(chunk);
      while (!stopped && bytes < options.maxBytes) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(chunk, options.maxBytes - bytes), bytes);
        if (bytesRead === 0) break;
        bytes += bytesRead;
      }
    } catch {
      // the importer's own reads report a missing or failing source
    } finally {
      await fh?.close().catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
      return bytes;
    },
  };
}
