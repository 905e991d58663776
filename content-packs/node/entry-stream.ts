/** Streaming access to one pack entry (Node 16). */
import * as fs from 'fs';
import { Readable, Transform, type TransformCallback, pipeline } from 'stream';
import * as zlib from 'zlib';
import { TeachPointError } from '../../common/errors/errors';
import { crc32Update } from '../format/crc32';
import { assertLocated } from '../format/pack-reader';
import type { ZipEntry } from '../format/zip-reader';

export interface EntryStreamOptions {
  /** Read buffer size (default 1 MiB). */
  highWaterMark?: number;
  /** Check CRC-32 at the end (default false: callers that sha256 the content do not need it). */
  verifyCrc?: boolean;
}

/**
 * The entry's uncompressed bytes: STORE → the raw byte range; DEFLATE → through inflateRaw.
 * Always checks the uncompressed length; the stream errors with pack.blob-size-mismatch /
 * pack.zip-corrupt (CRC) if the data is wrong.
 */
export function readEntryStream(path: string, entry: ZipEntry, options: EntryStreamOptions = {}): Readable {
  assertLocated(entry);
  const hwm = options.highWaterMark ?? 1024 * 1024;
  const raw: Readable =
    entry.compressedSize === 0
      ? Readable.from([])
      : fs.createReadStream(path, { start: entry.dataOffset, end: entry.dataOffset + entry.compressedSize - 1, highWaterMark: hwm });
  const check = entryCheck(entry, options.verifyCrc ?? false);
  if (entry.method === 0) return pipeline(raw, check, () => undefined) as unknown as Readable;
  return pipeline(raw, zlib.createInflateRaw({ chunkSize: 256 * 1024 }), check, () => undefined) as unknown as Readable;
}

/** A pass-through that counts (and optionally CRCs) the bytes and errors at the end if they do not match the entry. */
export function entryCheck(entry: ZipEntry, verifyCrc: boolean): Transform {
  let n = 0;
  let crc = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      n += chunk.length;
      if (n > entry.uncompressedSize) return cb(sizeError(entry, n));
      if (verifyCrc) crc = crc32Update(crc, chunk);
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      if (n !== entry.uncompressedSize) return cb(sizeError(entry, n));
      if (verifyCrc && crc !== entry.crc32) {
        return cb(
          new TeachPointError(
            'pack.zip-corrupt',
            { zh: `${entry.name} 的 CRC 校验失败（内容已损坏）。请重新复制资源包。`, en: `${entry.name} fails its CRC check (content damaged). Copy the pack again.` },
            { entry: entry.name },
          ),
        );
      }
      cb();
    },
  });
}

function sizeError(entry: ZipEntry, n: number): TeachPointError {
  return new TeachPointError(
    'pack.blob-size-mismatch',
    {
      zh: `${entry.name} 的实际大小（${n} 字节以上）与记录的 ${entry.uncompressedSize} 字节不符。资源包已损坏，请重新复制。`,
      en: `${entry.name} holds ${n}+ bytes, not the recorded ${entry.uncompressedSize}. The pack is damaged; copy it again.`,
    },
    { entry: entry.name, expected: entry.uncompressedSize },
  );
}
