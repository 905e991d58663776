/**
 * Browser-safe ZIP/ZIP64 reader over random access (a file handle in Node, a File in the browser).
 * Reads the central directory and every local header (or, with `localHeaders: 'lazy'`, each local
 * header the first time its entry is located); never trusts names, sizes or offsets:
 * unsafe names, duplicates, overlapping entries, truncation and unsupported features all become
 * problems (see problems.ts). Only STORE (0) and DEFLATE (8), no encryption, single disk.
 */
import type { LocalizedText } from '../../common/errors/errors';
import { type PackProblem, packProblem, problemsError } from './problems';
import { bytesEqual, utf8DecodeStrict } from './encoding';

export interface RandomAccessSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset`; rejects if the source is shorter. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface ZipEntry {
  name: string;
  method: 0 | 8;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  localHeaderOffset: number;
  /**
   * Absolute offset of the first data byte (after the local header). -1 until the entry's local
   * header has been checked: always set with the default eager inspection; with
   * `localHeaders: 'lazy'` only after `locate(entry)` resolved.
   */
  dataOffset: number;
}

export interface ZipArchive {
  entries: ZipEntry[];
  get(name: string): ZipEntry | undefined;
  /**
   * Checks the entry's local header against the central directory (signature, name, method, data
   * inside the entry's own slot: before the next entry's local header, or before the central
   * directory) and sets `dataOffset`; once per entry. Rejects with a `problemsError` (pack.*) on a
   * mismatch; I/O errors of the source are passed through. Eager archives resolve at once.
   */
  locate(entry: ZipEntry): Promise<ZipEntry>;
  /** `locate` for many entries in one front-to-back pass (neighbouring small headers share reads). */
  locateAll(entries: readonly ZipEntry[]): Promise<void>;
}

export interface InspectZipOptions {
  /**
   * 'eager' (default): every local header is read and checked by inspectZip, problems included.
   * 'lazy': inspectZip reads only the end records and the central directory, checks what they
   * allow (bounds, overlap using the smallest possible local header) and leaves each local header
   * to `locate()` — for callers that read only a few entries (a stick scan reads the manifest) or
   * that read every entry right after locating it anyway (the importer's copy).
   */
  localHeaders?: 'eager' | 'lazy';
}

export interface ZipInspection extends ZipArchive {
  /** Empty when the archive is sound. Entries with unsafe names are never listed in `entries`. */
  problems: PackProblem[];
  /** Offset of the central directory (= end of entry data). */
  centralDirectoryOffset: number;
  zip64: boolean;
}

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
export const SIG_DATA_DESCRIPTOR = 0x08074b50;
export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;
export const ZIP64_EOCD_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;
export const FLAG_ENCRYPTED = 0x0001;
export const FLAG_DATA_DESCRIPTOR = 0x0008;
export const FLAG_UTF8 = 0x0800;
export const FLAG_STRONG_ENCRYPTION = 0x0040;
export const MAX_CENTRAL_DIRECTORY = 512 * 1024 * 1024;

// ------------------------------------------------------------------------------------------
// Entry names

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * The only names a pack may contain are relative, '/'-separated paths of plain segments.
 * Rejects: empty names, NUL and control characters, backslashes, absolute paths, drive letters
 * (`C:`) and any ':' (NTFS streams), empty segments (`a//b`, trailing '/'), `.` and `..`
 * segments, segments ending in '.' or ' ' and Windows device names (CON, NUL, COM1 …).
 */
export function safeEntryName(name: string): { ok: true; name: string } | { ok: false; reason: LocalizedText } {
  const bad = (zh: string, en: string) => ({ ok: false as const, reason: { zh, en } });
  if (name.length === 0) return bad('名称为空', 'empty name');
  if (name.length > 1024) return bad('名称过长', 'name too long');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return bad('含有控制字符或 NUL', 'contains NUL or control characters');
  if (name.includes('\\')) return bad('含有反斜杠“\\”', 'contains a backslash');
  if (/^[A-Za-z]:/.test(name)) return bad('以盘符开头（如 C:）', 'starts with a drive letter (like C:)');
  if (name.startsWith('/')) return bad('是绝对路径', 'is an absolute path');
  if (name.includes(':')) return bad('含有冒号“:”', 'contains ":"');
  for (const seg of name.split('/')) {
    if (seg === '') return bad('含有空路径段（“//”或以“/”结尾）', 'has an empty path segment ("//" or trailing "/")');
    if (seg === '.' || seg === '..') return bad('含有“.”或“..”路径段', 'has a "." or ".." segment');
    if (seg.endsWith('.') || seg.endsWith(' ')) return bad('路径段以“.”或空格结尾', 'a segment ends with "." or a space');
    if (WINDOWS_RESERVED.test(seg)) return bad('使用了 Windows 保留设备名', 'uses a reserved Windows device name');
  }
  return { ok: true, name };
}

// ------------------------------------------------------------------------------------------

class View {
  private readonly dv: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16(o: number): number {
    return this.dv.getUint16(o, true);
  }
  u32(o: number): number {
    return this.dv.getUint32(o, true);
  }
  /** 64-bit LE as a JS number; NaN if it exceeds 2^53-1. */
  u64(o: number): number {
    const lo = this.dv.getUint32(o, true);
    const hi = this.dv.getUint32(o + 4, true);
    if (hi > 0x1fffff) return NaN;
    return hi * 0x1_0000_0000 + lo;
  }
}

/** Coalesces many small sequential reads (local headers of tiny entries) into large ones. */
class WindowReader {
  private start = 0;
  private buf: Uint8Array = new Uint8Array(0);
  constructor(
    private readonly source: RandomAccessSource,
    private readonly window = 256 * 1024,
  ) {}
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset >= this.start && offset + length <= this.start + this.buf.length) {
      return this.buf.subarray(offset - this.start, offset - this.start + length);
    }
    const want = Math.min(Math.max(length, this.window), this.source.size - offset);
    if (want < length) throw new RangeError('read past end');
    this.buf = await this.source.read(offset, want);
    this.start = offset;
    return this.buf.subarray(0, length);
  }
}

const truncated = (detail: string, detailZh: string) =>
  packProblem('pack.truncated', {
    zh: `资源包文件不完整（${detailZh}），通常是复制或下载中断造成的。请重新复制或重新下载完整的资源包。`,
    en: `The pack file is incomplete (${detail}), usually because a copy or download was interrupted. Copy or download the whole pack again.`,
  });
const corrupt = (detail: string, detailZh: string, path?: string) =>
  packProblem('pack.zip-corrupt', {
    zh: `资源包的 ZIP 结构已损坏（${detailZh}）。请重新复制或重新下载该资源包。`,
    en: `The pack's ZIP structure is damaged (${detail}). Copy or download the pack again.`,
  }, path);
const unsupported = (detail: string, detailZh: string, path?: string) =>
  packProblem('pack.unsupported-zip-feature', {
    zh: `资源包使用了不支持的 ZIP 功能（${detailZh}）。请用 tpk build 重新打包。`,
    en: `The pack uses an unsupported ZIP feature (${detail}). Rebuild it with tpk build.`,
  }, path);

interface CentralRecord {
  entry: ZipEntry;
  nameBytes: Uint8Array;
  flags: number;
}

/** Reads the archive structure and reports every problem found; never throws for bad input. */
export async function inspectZip(source: RandomAccessSource, options: InspectZipOptions = {}): Promise<ZipInspection> {
  const problems: PackProblem[] = [];
  const empty = (): ZipInspection => ({
    entries: [],
    problems,
    centralDirectoryOffset: 0,
    zip64: false,
    get: () => undefined,
    locate: (en) => Promise.reject(new RangeError(`${en.name} is not an entry of this archive`)),
    locateAll: async (list) => {
      if (list.length > 0) throw new RangeError(`${list[0]!.name} is not an entry of this archive`);
    },
  });
  try {
    return await inspect(source, problems, empty, options.localHeaders ?? 'eager');
  } catch (err) {
    // Only I/O errors from the source get here (reads are bounds-checked before they happen).
    const text = err instanceof Error ? err.message : String(err);
    problems.push(corrupt(`read failed: ${text}`, `读取失败：${text}`));
    return empty();
  }
}

/** Where the central directory is, from the end records. */
interface DirectoryLayout {
  cdOffset: number;
  cdSize: number;
  entryCount: number;
  zip64: boolean;
}

const notZip = () => packProblem('pack.not-a-zip', { zh: '这不是资源包文件（不是 ZIP 格式）。请选择 .tpk 资源包。', en: 'This is not a pack file (not a ZIP). Choose a .tpk pack.' });
const multiDisk = (name?: string) => unsupported('multi-disk archive', '分卷压缩', name);

/** A file that starts like a ZIP (or is empty) but has no end record was cut short. */
async function startsLikeZip(source: RandomAccessSource): Promise<boolean> {
  const head = await source.read(0, Math.min(4, source.size));
  const magic = [0x50, 0x4b, 0x03, 0x04];
  return head.every((b, i) => b === magic[i]);
}

/** The container checks, phase by phase; any phase that finds the archive unreadable ends it with `empty()`. */
async function inspect(source: RandomAccessSource, problems: PackProblem[], empty: () => ZipInspection, mode: 'eager' | 'lazy'): Promise<ZipInspection> {
  const size = source.size;
  if (size < EOCD_SIZE) {
    problems.push((await startsLikeZip(source)) ? truncated(size === 0 ? 'the file is empty' : 'no end-of-archive record', size === 0 ? '文件为空' : '缺少结尾目录记录') : notZip());
    return empty();
  }

  const layout = await readEndRecords(source, problems);
  if (!layout) return empty();
  const records = await readCentralDirectory(source, layout, problems);
  if (!records) return empty();
  const unique = dropDuplicates(records, problems);
  const { cdOffset, zip64 } = layout;
  const sorted = [...unique].sort((a, b) => a.entry.localHeaderOffset - b.entry.localHeaderOffset);
  if (mode === 'lazy') return lazyLocalHeaders(source, problems, unique, sorted, cdOffset, zip64);
  const entries = dropOverlaps(await checkLocalHeaders(source, sorted, cdOffset, problems), problems);
  const sound = new Set(entries);
  return finish(unique, entries, problems, cdOffset, zip64, {
    locate: async (en) => {
      if (!sound.has(en)) throw new RangeError(`${en.name} is not an entry of this archive`);
      return en;
    },
    locateAll: async () => undefined,
  });
}


/** Phase 1: the end records (EOCD, ZIP64 locator + record) → where the central directory is. */
async function readEndRecords(source: RandomAccessSource, problems: PackProblem[]): Promise<DirectoryLayout | null> {
  const size = source.size;
  const tailLen = Math.min(size, EOCD_SIZE + 0xffff + ZIP64_LOCATOR_SIZE);
  const tailStart = size - tailLen;
  const tail = new View(await source.read(tailStart, tailLen));
  let eocd = -1;
  for (let i = tailLen - EOCD_SIZE; i >= 0; i--) {
    if (tail.bytes[i] === 0x50 && tail.u32(i) === SIG_EOCD && i + EOCD_SIZE + tail.u16(i + 20) === tailLen) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    problems.push((await startsLikeZip(source)) ? truncated('no end-of-archive record', '缺少结尾目录记录') : notZip());
    return null;
  }
  const eocdAbs = tailStart + eocd;
  const diskNo = tail.u16(eocd + 4);
  const cdDisk = tail.u16(eocd + 6);
  let entriesOnDisk = tail.u16(eocd + 8);
  let entryCount = tail.u16(eocd + 10);
  let cdSize = tail.u32(eocd + 12);
  let cdOffset = tail.u32(eocd + 16);
  let cdEndLimit = eocdAbs; // the central directory must end where the next record starts
  let zip64 = false;

  const hasLocator = eocd >= ZIP64_LOCATOR_SIZE && tail.u32(eocd - ZIP64_LOCATOR_SIZE) === SIG_ZIP64_LOCATOR;
  const needs64 = entryCount === 0xffff || entriesOnDisk === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff;
  if (hasLocator) {
    const loc = eocd - ZIP64_LOCATOR_SIZE;
    const z64Offset = tail.u64(loc + 8);
    if (tail.u32(loc + 4) !== 0 || tail.u32(loc + 16) > 1) {
      problems.push(multiDisk());
      return null;
    }
    if (!Number.isFinite(z64Offset) || z64Offset + ZIP64_EOCD_SIZE > eocdAbs - ZIP64_LOCATOR_SIZE) {
      problems.push(corrupt('bad ZIP64 end-of-directory locator', 'ZIP64 结尾定位记录无效'));
      return null;
    }
    const z = new View(await source.read(z64Offset, ZIP64_EOCD_SIZE));
    if (z.u32(0) !== SIG_ZIP64_EOCD) {
      problems.push(corrupt('ZIP64 end-of-directory record not found', '找不到 ZIP64 结尾目录记录'));
      return null;
    }
    if (z.u32(16) !== 0 || z.u32(20) !== 0) {
      problems.push(multiDisk());
      return null;
    }
    entriesOnDisk = z.u64(24);
    entryCount = z.u64(32);
    cdSize = z.u64(40);
    cdOffset = z.u64(48);
    cdEndLimit = z64Offset;
    zip64 = true;
    if (![entriesOnDisk, entryCount, cdSize, cdOffset].every(Number.isFinite)) {
      problems.push(corrupt('ZIP64 sizes out of range', 'ZIP64 大小超出范围'));
      return null;
    }
  } else if (needs64) {
    problems.push(corrupt('ZIP64 values without a ZIP64 record', '缺少 ZIP64 记录'));
    return null;
  } else if (diskNo !== 0 || cdDisk !== 0) {
    problems.push(multiDisk());
    return null;
  }
  if (entriesOnDisk !== entryCount) {
    problems.push(multiDisk());
    return null;
  }
  if (cdOffset + cdSize > size) {
    problems.push(truncated('central directory beyond end of file', '中央目录超出文件末尾'));
    return null;
  }
  if (cdOffset + cdSize !== cdEndLimit) {
    problems.push(corrupt('central directory is not where the end record says', '中央目录位置与结尾记录不符'));
    return null;
  }
  if (cdSize > MAX_CENTRAL_DIRECTORY || entryCount * CENTRAL_HEADER_SIZE > cdSize) {
    problems.push(corrupt('central directory size does not match its entry count', '中央目录大小与条目数不符'));
    return null;
  }

  return { cdOffset, cdSize, entryCount, zip64 };
}

/** Phase 2: the central directory → records with safe names (unsafe, encrypted, … ones only reported). */
async function readCentralDirectory(source: RandomAccessSource, layout: DirectoryLayout, problems: PackProblem[]): Promise<CentralRecord[] | null> {
  const { cdOffset, cdSize, entryCount } = layout;
  const cd = new View(await source.read(cdOffset, cdSize));
  const records: CentralRecord[] = [];
  let p = 0;
  for (let i = 0; i < entryCount; i++) {
    if (p + CENTRAL_HEADER_SIZE > cdSize || cd.u32(p) !== SIG_CENTRAL) {
      problems.push(corrupt(`central directory entry ${i} is damaged`, `中央目录第 ${i} 项已损坏`));
      return null;
    }
    const flags = cd.u16(p + 8);
    const method = cd.u16(p + 10);
    const crc = cd.u32(p + 16);
    let csize = cd.u32(p + 20);
    let usize = cd.u32(p + 24);
    const nameLen = cd.u16(p + 28);
    const extraLen = cd.u16(p + 30);
    const commentLen = cd.u16(p + 32);
    let diskStart = cd.u16(p + 34);
    let lho = cd.u32(p + 42);
    const recLen = CENTRAL_HEADER_SIZE + nameLen + extraLen + commentLen;
    if (p + recLen > cdSize) {
      problems.push(corrupt(`central directory entry ${i} is damaged`, `中央目录第 ${i} 项已损坏`));
      return null;
    }
    const nameBytes = cd.bytes.subarray(p + CENTRAL_HEADER_SIZE, p + CENTRAL_HEADER_SIZE + nameLen);
    // ZIP64 extended information extra field: only the fields that are 0xFFFF… in the header, in order.
    let e = p + CENTRAL_HEADER_SIZE + nameLen;
    const eEnd = e + extraLen;
    let extraOk = true;
    while (e + 4 <= eEnd) {
      const id = cd.u16(e);
      const len = cd.u16(e + 2);
      if (e + 4 + len > eEnd) {
        extraOk = false;
        break;
      }
      if (id === 0x0001) {
        let q = e + 4;
        const take = () => {
          if (q + 8 > e + 4 + len) {
            extraOk = false;
            return NaN;
          }
          const v = cd.u64(q);
          q += 8;
          return v;
        };
        if (usize === 0xffffffff) usize = take();
        if (csize === 0xffffffff) csize = take();
        if (lho === 0xffffffff) lho = take();
        if (diskStart === 0xffff) {
          diskStart = q + 4 <= e + 4 + len ? cd.u32(q) : NaN;
        }
      }
      e += 4 + len;
    }
    const decoded = utf8DecodeStrict(nameBytes);
    const displayName = decoded ?? `(entry ${i})`;
    if (!extraOk || ![usize, csize, lho].every(Number.isFinite) || usize === 0xffffffff || csize === 0xffffffff || lho === 0xffffffff) {
      problems.push(corrupt(`bad ZIP64 sizes for ${displayName}`, `${displayName} 的 ZIP64 大小信息无效`, decoded));
      return null;
    }
    p += recLen;
    if (diskStart !== 0) {
      problems.push(multiDisk(decoded));
      continue;
    }
    if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) {
      problems.push(unsupported(`encrypted entry ${displayName}`, `加密条目 ${displayName}`, decoded));
      continue;
    }
    if (method !== 0 && method !== 8) {
      problems.push(unsupported(`compression method ${method} in ${displayName}`, `${displayName} 使用了压缩方法 ${method}`, decoded));
      continue;
    }
    if (method === 0 && csize !== usize) {
      problems.push(corrupt(`stored entry ${displayName} has different sizes`, `未压缩条目 ${displayName} 的大小不一致`, decoded));
      continue;
    }
    const nonAscii = nameBytes.some((b) => b >= 0x80);
    const safe = decoded === undefined || (nonAscii && !(flags & FLAG_UTF8)) ? undefined : safeEntryName(decoded);
    if (!safe || !safe.ok) {
      const reason = safe && !safe.ok ? safe.reason : { zh: '名称编码无效（不是 UTF-8）', en: 'name is not valid UTF-8' };
      problems.push(
        packProblem(
          'pack.unsafe-entry-name',
          {
            zh: `资源包含有不安全的条目名“${displayName}”：${reason.zh}。这样的资源包可能试图写到目标文件夹之外，已拒绝。请只导入由 tpk build 生成的资源包。`,
            en: `The pack contains an unsafe entry name "${displayName}": ${reason.en}. Such a pack could write outside its target folder and is rejected. Import only packs made by tpk build.`,
          },
          displayName,
          { name: displayName },
        ),
      );
      continue;
    }
    records.push({
      entry: { name: safe.name, method, compressedSize: csize, uncompressedSize: usize, crc32: crc, localHeaderOffset: lho, dataOffset: -1 },
      nameBytes,
      flags,
    });
  }
  if (p !== cdSize) {
    problems.push(corrupt('central directory has trailing bytes', '中央目录末尾有多余数据'));
  }

  return records;
}

/** Phase 3: a name that appears twice is ambiguous: report it, keep the first. */
function dropDuplicates(records: CentralRecord[], problems: PackProblem[]): CentralRecord[] {
  const byName = new Map<string, ZipEntry>();
  const unique: CentralRecord[] = [];
  for (const r of records) {
    if (byName.has(r.entry.name)) {
      problems.push(
        packProblem('pack.duplicate-entry', {
          zh: `资源包中“${r.entry.name}”出现了不止一次，无法确定使用哪一个，已拒绝。请重新打包。`,
          en: `The pack contains "${r.entry.name}" more than once, so it is ambiguous and rejected. Rebuild the pack.`,
        }, r.entry.name),
      );
      continue;
    }
    byName.set(r.entry.name, r.entry);
    unique.push(r);
  }

  return unique;
}

/** Phase 4 (eager): every local header checked against its central record, front to back so small entries share reads. */
async function checkLocalHeaders(source: RandomAccessSource, sorted: CentralRecord[], cdOffset: number, problems: PackProblem[]): Promise<CentralRecord[]> {
  const size = source.size;
  const reader = new WindowReader(source);
  const good: CentralRecord[] = [];
  for (const r of sorted) {
    const en = r.entry;
    if (en.localHeaderOffset + LOCAL_HEADER_SIZE > cdOffset) {
      problems.push(corrupt(`local header of ${en.name} is outside the data area`, `${en.name} 的本地头不在数据区内`, en.name));
      continue;
    }
    const problem = await checkLocalHeader(reader, r, cdOffset, size);
    if (problem) {
      problems.push(problem);
      continue;
    }
    good.push(r);
  }
  return good;
}

/** Phase 5: zip bombs and spliced archives — each entry must end before the next begins. */
function dropOverlaps(good: CentralRecord[], problems: PackProblem[]): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let prevEnd = 0;
  let prevName = '';
  for (const r of good) {
    const en = r.entry;
    if (en.localHeaderOffset < prevEnd) {
      problems.push(overlapping(en.name, prevName));
      continue;
    }
    prevEnd = en.dataOffset + en.compressedSize;
    prevName = en.name;
    entries.push(en);
  }
  return entries;
}

const overlapping = (name: string, other: string) =>
  packProblem('pack.overlapping-entries', {
    zh: `资源包中“${name}”与“${other}”的数据互相重叠（可能是恶意构造的文件），已拒绝。请只导入由 tpk build 生成的资源包。`,
    en: `Entries "${name}" and "${other}" overlap (possibly a maliciously crafted file), so the pack is rejected. Import only packs made by tpk build.`,
  }, name);

/** Keeps central-directory order for callers; `entries` are the sound ones. */
function finish(
  unique: readonly CentralRecord[],
  sound: readonly ZipEntry[],
  problems: PackProblem[],
  cdOffset: number,
  zip64: boolean,
  locators: Pick<ZipArchive, 'locate' | 'locateAll'>,
): ZipInspection {
  const kept = new Set(sound);
  const entries: ZipEntry[] = [];
  for (const r of unique) if (kept.has(r.entry)) entries.push(r.entry);
  const finalByName = new Map(entries.map((en) => [en.name, en]));
  return { entries, problems, centralDirectoryOffset: cdOffset, zip64, get: (name) => finalByName.get(name), ...locators };
}

/**
 * Reads one local header (the caller checked that its 30 fixed bytes lie before the central
 * directory) and compares it with the central record: signature, name bytes, method; sets
 * `dataOffset`; the data must end by `slotEnd` (the central directory, or in lazy mode the next
 * entry's local header). Returns the problem, if any.
 */
async function checkLocalHeader(
  reader: { read(offset: number, length: number): Promise<Uint8Array> },
  r: CentralRecord,
  slotEnd: number,
  size: number,
  next?: CentralRecord,
): Promise<PackProblem | undefined> {
  const en = r.entry;
  const lh = new View(await reader.read(en.localHeaderOffset, LOCAL_HEADER_SIZE));
  if (lh.u32(0) !== SIG_LOCAL) {
    return corrupt(`local header of ${en.name} not found`, `找不到 ${en.name} 的本地头`, en.name);
  }
  const nameLen = lh.u16(26);
  const extraLen = lh.u16(28);
  const dataOffset = en.localHeaderOffset + LOCAL_HEADER_SIZE + nameLen + extraLen;
  if (dataOffset > slotEnd) {
    return next ? overlapping(next.entry.name, en.name) : corrupt(`local header of ${en.name} runs into the central directory`, `${en.name} 的本地头越界`, en.name);
  }
  const localName = await reader.read(en.localHeaderOffset + LOCAL_HEADER_SIZE, nameLen);
  if (!bytesEqual(localName, r.nameBytes) || lh.u16(8) !== en.method) {
    return corrupt(`local header of ${en.name} disagrees with the central directory`, `${en.name} 的本地头与中央目录不一致`, en.name);
  }
  if (dataOffset + en.compressedSize > slotEnd) {
    if (next) return overlapping(next.entry.name, en.name);
    return dataOffset + en.compressedSize > size
      ? truncated(`${en.name} ends beyond the end of the file`, `${en.name} 的数据超出文件末尾`)
      : corrupt(`${en.name} runs into the central directory`, `${en.name} 的数据越界`, en.name);
  }
  en.dataOffset = dataOffset;
  return undefined;
}

/**
 * Lazy mode: what the central directory alone can tell now — every entry's smallest possible
 * extent (local header with its central name and no extra field, then its data) must lie in the
 * data area and end before the next entry's local header — and the rest (the local header itself,
 * its real length) when `locate` is first called for the entry: its data must then end before the
 * next entry's local header (or the central directory), so entries still cannot overlap.
 */
function lazyLocalHeaders(
  source: RandomAccessSource,
  problems: PackProblem[],
  unique: readonly CentralRecord[],
  sorted: readonly CentralRecord[],
  cdOffset: number,
  zip64: boolean,
): ZipInspection {
  const size = source.size;
  const good: CentralRecord[] = [];
  let prevEnd = 0;
  let prevName = '';
  for (const r of sorted) {
    const en = r.entry;
    const minEnd = en.localHeaderOffset + LOCAL_HEADER_SIZE + r.nameBytes.length + en.compressedSize;
    if (en.localHeaderOffset + LOCAL_HEADER_SIZE > cdOffset) {
      problems.push(corrupt(`local header of ${en.name} is outside the data area`, `${en.name} 的本地头不在数据区内`, en.name));
      continue;
    }
    if (minEnd > cdOffset) {
      problems.push(
        minEnd > size
          ? truncated(`${en.name} ends beyond the end of the file`, `${en.name} 的数据超出文件末尾`)
          : corrupt(`${en.name} runs into the central directory`, `${en.name} 的数据越界`, en.name),
      );
      continue;
    }
    if (en.localHeaderOffset < prevEnd) {
      problems.push(overlapping(en.name, prevName));
      continue;
    }
    prevEnd = minEnd;
    prevName = en.name;
    good.push(r);
  }
  /** Each sound entry's slot: up to the next sound entry's local header, or the central directory. */
  const slot = new Map<ZipEntry, { record: CentralRecord; end: number; next?: CentralRecord }>();
  good.forEach((r, i) => {
    const next = good[i + 1];
    slot.set(r.entry, next ? { record: r, end: next.entry.localHeaderOffset, next } : { record: r, end: cdOffset });
  });
  const located = new Map<ZipEntry, Promise<ZipEntry>>();
  const locateWith = (reader: { read(offset: number, length: number): Promise<Uint8Array> }, en: ZipEntry): Promise<ZipEntry> => {
    let p = located.get(en);
    if (!p) {
      const s = slot.get(en);
      if (!s) return Promise.reject(new RangeError(`${en.name} is not an entry of this archive`));
      p = checkLocalHeader(reader, s.record, s.end, size, s.next).then(
        (problem) => {
          if (problem) throw problemsError([problem]);
          return en;
        },
        (err: unknown) => {
          located.delete(en); // an I/O error (stick pulled) may be retried; a problem stays cached
          throw err;
        },
      );
      located.set(en, p);
    }
    return p;
  };
  return finish(
    unique,
    good.map((r) => r.entry),
    problems,
    cdOffset,
    zip64,
    {
      locate: (en) => locateWith(source, en),
      locateAll: async (list) => {
        const reader = new WindowReader(source);
        const ordered = [...list].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
        for (const en of ordered) await locateWith(reader, en);
      },
    },
  );
}

/** Like inspectZip, but throws a TeachPointError (code of the first problem, all problems in details) unless the archive is sound. */
export async function openZip(source: RandomAccessSource): Promise<ZipArchive> {
  const z = await inspectZip(source);
  if (z.problems.length > 0) throw problemsError(z.problems);
  return { entries: z.entries, get: z.get, locate: z.locate, locateAll: z.locateAll };
}

/** RandomAccessSource over bytes in memory. */
export function bytesSource(bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.length,
    async read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > bytes.length) throw new RangeError(`read ${offset}+${length} beyond ${bytes.length}`);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** Structural type of a browser Blob/File (kept structural so this file also type-checks under Node 16 types). */
export interface BlobLike {
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** RandomAccessSource over a browser File/Blob. */
export function blobSource(blob: BlobLike): RandomAccessSource {
  return {
    size: blob.size,
    async read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > blob.size) throw new RangeError(`read ${offset}+${length} beyond ${blob.size}`);
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
  };
}
