/**
 * Pure encoders for ZIP/ZIP64 records (APPNOTE 6.3.10): the streaming writer in
 * content-packs/node/pack-writer.ts and the test helpers build archives from these.
 */
import {
  CENTRAL_HEADER_SIZE,
  EOCD_SIZE,
  FLAG_UTF8,
  LOCAL_HEADER_SIZE,
  SIG_CENTRAL,
  SIG_EOCD,
  SIG_LOCAL,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  ZIP64_EOCD_SIZE,
  ZIP64_LOCATOR_SIZE,
} from './zip-reader';

export const U32_MAX = 0xffffffff;
export const U16_MAX = 0xffff;
const VERSION_MADE_BY = (3 << 8) | 45; // Unix, spec 4.5
const EXTERNAL_ATTRS = (0o100644 << 16) >>> 0; // regular file rw-r--r--

export interface EntryLayout {
  nameBytes: Uint8Array;
  method: 0 | 8;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  dosTime: number;
  dosDate: number;
  /** Local header carries a ZIP64 extra (sizes 0xFFFFFFFF); decided before data is written. */
  zip64Local: boolean;
  /** Extra general-purpose flags (UTF-8 is always set). */
  flags?: number;
}

function setU64(dv: DataView, o: number, n: number): void {
  dv.setUint32(o, n % 0x1_0000_0000, true);
  dv.setUint32(o + 4, Math.floor(n / 0x1_0000_0000), true);
}

export function dosDateTime(d: Date): { dosTime: number; dosDate: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    dosTime: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    dosDate: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

export function localHeaderSize(e: Pick<EntryLayout, 'nameBytes' | 'zip64Local'>): number {
  return LOCAL_HEADER_SIZE + e.nameBytes.length + (e.zip64Local ? 20 : 0);
}

export function encodeLocalHeader(e: EntryLayout): Uint8Array {
  const out = new Uint8Array(localHeaderSize(e));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, SIG_LOCAL, true);
  dv.setUint16(4, e.zip64Local ? 45 : e.method === 8 ? 20 : 10, true);
  dv.setUint16(6, FLAG_UTF8 | (e.flags ?? 0), true);
  dv.setUint16(8, e.method, true);
  dv.setUint16(10, e.dosTime, true);
  dv.setUint16(12, e.dosDate, true);
  dv.setUint32(14, e.crc32 >>> 0, true);
  dv.setUint32(18, e.zip64Local ? U32_MAX : e.compressedSize, true);
  dv.setUint32(22, e.zip64Local ? U32_MAX : e.uncompressedSize, true);
  dv.setUint16(26, e.nameBytes.length, true);
  dv.setUint16(28, e.zip64Local ? 20 : 0, true);
  out.set(e.nameBytes, LOCAL_HEADER_SIZE);
  if (e.zip64Local) {
    const x = LOCAL_HEADER_SIZE + e.nameBytes.length;
    dv.setUint16(x, 0x0001, true);
    dv.setUint16(x + 2, 16, true);
    setU64(dv, x + 4, e.uncompressedSize);
    setU64(dv, x + 12, e.compressedSize);
  }
  return out;
}

/** Central directory header; ZIP64 extra holds exactly the fields that overflow (or all three with forceZip64). */
export function encodeCentralHeader(e: EntryLayout, forceZip64 = false): Uint8Array {
  const bigU = forceZip64 || e.uncompressedSize >= U32_MAX;
  const bigC = forceZip64 || e.compressedSize >= U32_MAX;
  const bigO = forceZip64 || e.localHeaderOffset >= U32_MAX;
  const extraData = (bigU ? 8 : 0) + (bigC ? 8 : 0) + (bigO ? 8 : 0);
  const extraLen = extraData > 0 ? 4 + extraData : 0;
  const out = new Uint8Array(CENTRAL_HEADER_SIZE + e.nameBytes.length + extraLen);
  const dv = new DataView(out.buffer);
  const zip64 = extraLen > 0 || e.zip64Local;
  dv.setUint32(0, SIG_CENTRAL, true);
  dv.setUint16(4, VERSION_MADE_BY, true);
  dv.setUint16(6, zip64 ? 45 : e.method === 8 ? 20 : 10, true);
  dv.setUint16(8, FLAG_UTF8 | (e.flags ?? 0), true);
  dv.setUint16(10, e.method, true);
  dv.setUint16(12, e.dosTime, true);
  dv.setUint16(14, e.dosDate, true);
  dv.setUint32(16, e.crc32 >>> 0, true);
  dv.setUint32(20, bigC ? U32_MAX : e.compressedSize, true);
  dv.setUint32(24, bigU ? U32_MAX : e.uncompressedSize, true);
  dv.setUint16(28, e.nameBytes.length, true);
  dv.setUint16(30, extraLen, true);
  dv.setUint16(32, 0, true); // comment
  dv.setUint16(34, 0, true); // disk start
  dv.setUint16(36, 0, true); // internal attrs
  dv.setUint32(38, EXTERNAL_ATTRS, true);
  dv.setUint32(42, bigO ? U32_MAX : e.localHeaderOffset, true);
  out.set(e.nameBytes, CENTRAL_HEADER_SIZE);
  if (extraLen > 0) {
    let x = CENTRAL_HEADER_SIZE + e.nameBytes.length;
    dv.setUint16(x, 0x0001, true);
    dv.setUint16(x + 2, extraData, true);
    x += 4;
    if (bigU) {
      setU64(dv, x, e.uncompressedSize);
      x += 8;
    }
    if (bigC) {
      setU64(dv, x, e.compressedSize);
      x += 8;
    }
    if (bigO) setU64(dv, x, e.localHeaderOffset);
  }
  return out;
}

/** [ZIP64 end record + locator] + end record. ZIP64 records are written when any value overflows or forceZip64. */
export function encodeEnd(o: { entryCount: number; cdOffset: number; cdSize: number; forceZip64?: boolean; comment?: Uint8Array }): Uint8Array {
  const need64 = !!o.forceZip64 || o.entryCount >= U16_MAX || o.cdOffset >= U32_MAX || o.cdSize >= U32_MAX;
  const comment = o.comment ?? new Uint8Array(0);
  const out = new Uint8Array((need64 ? ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE : 0) + EOCD_SIZE + comment.length);
  const dv = new DataView(out.buffer);
  let p = 0;
  if (need64) {
    const z64Offset = o.cdOffset + o.cdSize;
    dv.setUint32(p, SIG_ZIP64_EOCD, true);
    setU64(dv, p + 4, ZIP64_EOCD_SIZE - 12);
    dv.setUint16(p + 12, VERSION_MADE_BY, true);
    dv.setUint16(p + 14, 45, true);
    dv.setUint32(p + 16, 0, true);
    dv.setUint32(p + 20, 0, true);
    setU64(dv, p + 24, o.entryCount);
    setU64(dv, p + 32, o.entryCount);
    setU64(dv, p + 40, o.cdSize);
    setU64(dv, p + 48, o.cdOffset);
    p += ZIP64_EOCD_SIZE;
    dv.setUint32(p, SIG_ZIP64_LOCATOR, true);
    dv.setUint32(p + 4, 0, true);
    setU64(dv, p + 8, z64Offset);
    dv.setUint32(p + 16, 1, true);
    p += ZIP64_LOCATOR_SIZE;
  }
  const count = need64 && (o.forceZip64 || o.entryCount >= U16_MAX) ? U16_MAX : o.entryCount;
  dv.setUint32(p, SIG_EOCD, true);
  dv.setUint16(p + 4, 0, true);
  dv.setUint16(p + 6, 0, true);
  dv.setUint16(p + 8, count, true);
  dv.setUint16(p + 10, count, true);
  dv.setUint32(p + 12, o.forceZip64 || o.cdSize >= U32_MAX ? U32_MAX : o.cdSize, true);
  dv.setUint32(p + 16, o.forceZip64 || o.cdOffset >= U32_MAX ? U32_MAX : o.cdOffset, true);
  dv.setUint16(p + 20, comment.length, true);
  out.set(comment, p + EOCD_SIZE);
  return out;
}
