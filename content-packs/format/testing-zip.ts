/**
 * Test helper (browser-safe): hand-craft ZIP archives, including hostile ones (any raw entry
 * name, lying sizes) and virtual multi-GiB ones whose data regions are holes of zeros, so ZIP64
 * offsets beyond 4 GiB can be tested without writing 4 GiB.
 */
import { crc32 } from './crc32';
import { concatBytes, utf8Encode } from './encoding';
import { type EntryLayout, dosDateTime, encodeCentralHeader, encodeEnd, encodeLocalHeader } from './zip-layout';
import type { RandomAccessSource } from './zip-reader';

export interface CraftEntry {
  /** Entry name; raw bytes allowed for invalid encodings. */
  name: string | Uint8Array;
  /** Uncompressed content (STORE) — or, with method 8, the content whose `deflated` form is stored. */
  data?: Uint8Array;
  /** Already deflate-raw compressed bytes (method 8). */
  deflated?: Uint8Array;
  /** A hole of this many zero bytes instead of `data` (STORE). */
  virtualSize?: number;
  method?: 0 | 8;
  /** Override the CRC written (default: CRC of data; 0 for virtual entries). */
  crc32?: number;
  /** Name written in the local header when it should disagree with the central directory. */
  localName?: Uint8Array;
  /** Override the local header offset recorded in the central directory. */
  localHeaderOffset?: number;
  flags?: number;
}

export interface CraftedZip {
  size: number;
  source: RandomAccessSource;
  /** The whole file, when it has no virtual holes. */
  bytes?: Uint8Array;
}

export function craftZip(entries: readonly CraftEntry[], options: { forceZip64?: boolean; comment?: Uint8Array } = {}): CraftedZip {
  const segments: { offset: number; bytes: Uint8Array }[] = [];
  let pos = 0;
  let virtual = false;
  const central: Uint8Array[] = [];
  const { dosTime, dosDate } = dosDateTime(new Date(2025, 8, 1, 8, 0, 0));
  for (const e of entries) {
    const nameBytes = typeof e.name === 'string' ? utf8Encode(e.name) : e.name;
    const method = e.method ?? 0;
    const payload = method === 8 ? e.deflated ?? new Uint8Array(0) : e.data ?? new Uint8Array(0);
    const usize = e.virtualSize ?? (e.data?.length ?? 0);
    const csize = e.virtualSize ?? payload.length;
    const layout: EntryLayout = {
      nameBytes,
      method,
      crc32: e.crc32 ?? (e.virtualSize !== undefined ? 0 : crc32(e.data ?? new Uint8Array(0))),
      compressedSize: csize,
      uncompressedSize: usize,
      localHeaderOffset: pos,
      dosTime,
      dosDate,
      zip64Local: !!options.forceZip64 || usize >= 0xffffffff,
      flags: e.flags ?? 0,
    };
    const local = encodeLocalHeader(e.localName ? { ...layout, nameBytes: e.localName } : layout);
    segments.push({ offset: pos, bytes: local });
    pos += local.length;
    if (e.virtualSize !== undefined) {
      virtual = true;
      pos += e.virtualSize;
    } else {
      segments.push({ offset: pos, bytes: payload });
      pos += payload.length;
    }
    central.push(encodeCentralHeader({ ...layout, localHeaderOffset: e.localHeaderOffset ?? layout.localHeaderOffset }, options.forceZip64));
  }
  const cd = concatBytes(central);
  const cdOffset = pos;
  segments.push({ offset: pos, bytes: cd });
  pos += cd.length;
  const end = encodeEnd({ entryCount: entries.length, cdOffset, cdSize: cd.length, forceZip64: options.forceZip64, comment: options.comment });
  segments.push({ offset: pos, bytes: end });
  pos += end.length;
  const size = pos;
  const source: RandomAccessSource = {
    size,
    async read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size) throw new RangeError('read beyond end');
      const out = new Uint8Array(length);
      for (const s of segments) {
        const from = Math.max(offset, s.offset);
        const to = Math.min(offset + length, s.offset + s.bytes.length);
        if (from < to) out.set(s.bytes.subarray(from - s.offset, to - s.offset), from - offset);
      }
      return out;
    },
  };
  const result: CraftedZip = { size, source };
  if (!virtual) {
    const bytes = new Uint8Array(size);
    for (const s of segments) bytes.set(s.bytes, s.offset);
    result.bytes = bytes;
  }
  return result;
}
