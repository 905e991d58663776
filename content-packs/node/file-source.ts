/** RandomAccessSource over a file (Node 16 fs/promises FileHandle). */
import { promises as fsp } from 'fs';
import { TeachPointError } from '../../common/errors/errors';
import type { RandomAccessSource } from '../format/zip-reader';

export interface FileSource extends RandomAccessSource {
  readonly path: string;
  readonly handle: fsp.FileHandle;
  close(): Promise<void>;
}

/** Reads exactly `length` bytes at `position` into `buf[offset..]`; returns how many were read before EOF. */
export async function readFully(handle: fsp.FileHandle, buf: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, offset + done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

export async function fileSource(path: string): Promise<FileSource> {
  const handle = await fsp.open(path, 'r');
  let size: number;
  try {
    size = (await handle.stat()).size;
  } catch (err) {
    await handle.close();
    throw err;
  }
  return {
    path,
    handle,
    size,
    async read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size) throw new RangeError(`read ${offset}+${length} beyond ${size} in ${path}`);
      const buf = new Uint8Array(length);
      const n = await readFully(handle, buf, 0, length, offset);
      if (n !== length) {
        throw new TeachPointError(
          'pack.truncated',
          { zh: `文件 ${path} 在读取时变短了（可能 U 盘被拔出）。请重新插好后再试。`, en: `File ${path} became shorter while reading (was the USB stick removed?). Reconnect it and try again.` },
          { path, offset, length },
        );
      }
      return buf;
    },
    close: () => handle.close(),
  };
}
