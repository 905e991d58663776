/**
 * Pure ISO-BMFF (MP4/MOV) and MP3 header parsing — just enough to say "this file already conforms,
 * pass it through" without starting ffprobe. Anything unusual makes the parser say so (`unsure`), and
 * the caller falls back to ffprobe. No I/O here: the top-level walk takes a `read(position, length)`
 * function, so only box headers and the `moov` box are ever read. Node 16 / browser safe.
 */

export type ReadAt = (position: number, length: number) => Promise<Uint8Array>;

export interface TopLevelBox {
  type: string;
  start: number;
  size: number;
  headerSize: number;
}

export interface Mp4Avc {
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
  /** From the first SPS: 1 = 4:2:0. */
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
}

export interface Mp4SampleEntry {
  /** Sample entry fourcc: avc1, avc3, hvc1, hev1, mp4v, mp4a, … */
  fourcc: string;
  width?: number;
  height?: number;
  channels?: number;
  sampleRate?: number;
  avc?: Mp4Avc;
  /** esds: MPEG-4 objectTypeIndication (0x40 = MPEG-4 audio, 0x69/0x6B = MP3) and audio object type (2 = AAC-LC). */
  objectType?: number;
  audioObjectType?: number;
  ascChannels?: number;
  ascSampleRate?: number;
}

export interface Mp4Track {
  /** hdlr handler type: vide, soun, text, tmcd, … */
  handler: string;
  /** tkhd display size (16.16 fixed → integer pixels). */
  width: number;
  height: number;
  /** tkhd matrix is the identity (no rotation/flip). */
  identityMatrix: boolean;
  timescale: number;
  duration: number;
  sampleCount: number;
  /** stsd entry count (more than one = unusual). */
  entryCount: number;
  entry?: Mp4SampleEntry;
  /** Largest stco/co64 chunk offset (where the samples live). */
  maxChunkOffset: number;
  /** Has an edit list (elst) with more than one entry or an empty edit. */
  complexEdits: boolean;
  /** Single-edit segment duration in movie timescale units (the track's presented length), when an edit list exists. */
  editDuration?: number;
}

export interface Mp4Movie {
  timescale: number;
  duration: number;
  /** moov contains mvex: a fragmented file. */
  fragmented: boolean;
  tracks: Mp4Track[];
}

export interface Mp4Scan {
  majorBrand?: string;
  compatibleBrands: string[];
  boxes: TopLevelBox[];
  /** A top-level box runs past the end of the file (cut-off copy) or has an impossible size. */
  truncated: boolean;
  moovFirst?: boolean;
  moov?: Uint8Array;
}

const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;
const u32 = (b: Uint8Array, i: number): number => b[i]! * 0x1000000 + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);
const u64 = (b: Uint8Array, i: number): number => u32(b, i) * 0x100000000 + u32(b, i + 4);
const fourcc = (b: Uint8Array, i: number): string => String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);

/** Largest moov we read into memory (a 2-hour film has a few MB). */
export const MAX_MOOV_BYTES = 32 * 1024 * 1024;

/**
 * Walk the top-level boxes (16-byte header reads only) and read `moov`. Returns null when the file
 * is not ISO-BMFF at all (first box is no `ftyp`).
 */
export async function scanMp4(read: ReadAt, size: number): Promise<Mp4Scan | null> {
  const scan: Mp4Scan = { compatibleBrands: [], boxes: [], truncated: false };
  let pos = 0;
  let moovAt = -1;
  let mdatAt = -1;
  while (pos < size) {
    if (scan.boxes.length >= 1024) return { ...scan, truncated: true };
    const h = await read(pos, 16);
    if (h.length < 8) {
      scan.truncated = true;
      break;
    }
    let boxSize = u32(h, 0);
    const type = fourcc(h, 4);
    let headerSize = 8;
    if (scan.boxes.length === 0 && type !== 'ftyp') return null;
    if (boxSize === 1) {
      if (h.length < 16) {
        scan.truncated = true;
        break;
      }
      boxSize = u64(h, 8);
      headerSize = 16;
    } else if (boxSize === 0) {
      boxSize = size - pos;
    }
    if (boxSize < headerSize || pos + boxSize > size) {
      scan.truncated = true;
      break;
    }
    scan.boxes.push({ type, start: pos, size: boxSize, headerSize });
    if (type === 'ftyp') {
      const body = await read(pos + headerSize, Math.min(boxSize - headerSize, 256));
      if (body.length >= 4) scan.majorBrand = fourcc(body, 0);
      for (let i = 8; i + 4 <= body.length; i += 4) scan.compatibleBrands.push(fourcc(body, i));
    } else if (type === 'moov' && moovAt < 0) {
      moovAt = pos;
      if (boxSize <= MAX_MOOV_BYTES) scan.moov = await read(pos + headerSize, boxSize - headerSize);
    } else if (type === 'mdat' && mdatAt < 0) {
      mdatAt = pos;
    }
    pos += boxSize;
  }
  if (moovAt >= 0 && (mdatAt < 0 || moovAt < mdatAt)) scan.moovFirst = true;
  else if (mdatAt >= 0) scan.moovFirst = false;
  return scan;
}

interface Child {
  type: string;
  /** payload start / end, relative to the buffer */
  start: number;
  end: number;
}

/** Children of a container payload [start, end); null when a size is impossible. */
function children(b: Uint8Array, start: number, end: number): Child[] | null {
  const out: Child[] = [];
  let p = start;
  while (p + 8 <= end) {
    let size = u32(b, p);
    const type = fourcc(b, p + 4);
    let header = 8;
    if (size === 1) {
      if (p + 16 > end) return null;
      size = u64(b, p + 8);
      header = 16;
    } else if (size === 0) {
      size = end - p;
    }
    if (size < header || p + size > end) return null;
    out.push({ type, start: p + header, end: p + size });
    p += size;
  }
  return p === end || end - p < 8 ? out : null;
}

function child(list: Child[] | null, type: string): Child | undefined {
  return list?.find((c) => c.type === type);
}

export class Mp4ParseError extends Error {}

/** Pure: parse the payload of a `moov` box. Throws Mp4ParseError on anything malformed. */
export function parseMoov(moov: Uint8Array): Mp4Movie {
  const top = children(moov, 0, moov.length);
  if (!top) throw new Mp4ParseError('moov: bad box sizes');
  const mvhd = child(top, 'mvhd');
  if (!mvhd) throw new Mp4ParseError('moov: no mvhd');
  const { timescale, duration } = readHeaderTimes(moov, mvhd, 'mvhd');
  const movie: Mp4Movie = { timescale, duration, fragmented: !!child(top, 'mvex'), tracks: [] };
  for (const trak of top.filter((c) => c.type === 'trak')) movie.tracks.push(parseTrak(moov, trak));
  return movie;
}

/** mvhd / mdhd: version 0 (32-bit times) or 1 (64-bit). */
function readHeaderTimes(b: Uint8Array, box: Child, name: string): { timescale: number; duration: number } {
  const v = b[box.start]!;
  const need = v === 1 ? 32 : 20;
  if (box.end - box.start < need) throw new Mp4ParseError(`${name}: too short`);
  if (v === 1) return { timescale: u32(b, box.start + 20), duration: u64(b, box.start + 24) };
  if (v !== 0) throw new Mp4ParseError(`${name}: version ${v}`);
  return { timescale: u32(b, box.start + 12), duration: u32(b, box.start + 16) };
}

function parseTrak(b: Uint8Array, trak: Child): Mp4Track {
  const kids = children(b, trak.start, trak.end);
  const tkhd = child(kids, 'tkhd');
  const mdia = child(kids, 'mdia');
  if (!tkhd || !mdia) throw new Mp4ParseError('trak: no tkhd/mdia');
  // tkhd: version(1) flags(3) times… matrix (9×4) width height (16.16)
  const v = b[tkhd.start]!;
  const matrixAt = tkhd.start + (v === 1 ? 52 : 40);
  if (matrixAt + 36 + 8 > tkhd.end) throw new Mp4ParseError('tkhd: too short');
  const identity = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];
  const identityMatrix = identity.every((x, i) => u32(b, matrixAt + i * 4) === x);
  const width = Math.round(u32(b, matrixAt + 36) / 65536);
  const height = Math.round(u32(b, matrixAt + 40) / 65536);

  let complexEdits = false;
  let editDuration: number | undefined;
  const elst = child(children(b, child(kids, 'edts')?.start ?? 0, child(kids, 'edts')?.end ?? 0), 'elst');
  if (elst) {
    const ev = b[elst.start]!;
    const count = u32(b, elst.start + 4);
    if (count > 1) complexEdits = true;
    else if (count === 1) {
      if (elst.end - elst.start < (ev === 1 ? 28 : 20)) throw new Mp4ParseError('elst: too short');
      editDuration = ev === 1 ? u64(b, elst.start + 8) : u32(b, elst.start + 8);
      const mediaTime = ev === 1 ? u64(b, elst.start + 16) : u32(b, elst.start + 12);
      if (mediaTime === 0xffffffff || mediaTime >= 0xffffffffffff0000) complexEdits = true; // empty edit
    }
  }

  const mk = children(b, mdia.start, mdia.end);
  const mdhd = child(mk, 'mdhd');
  const hdlr = child(mk, 'hdlr');
  const minf = child(mk, 'minf');
  if (!mdhd || !hdlr || !minf) throw new Mp4ParseError('mdia: no mdhd/hdlr/minf');
  const { timescale, duration } = readHeaderTimes(b, mdhd, 'mdhd');
  if (hdlr.end - hdlr.start < 12) throw new Mp4ParseError('hdlr: too short');
  const handler = fourcc(b, hdlr.start + 8);
  const stbl = child(children(b, minf.start, minf.end), 'stbl');
  if (!stbl) throw new Mp4ParseError('minf: no stbl');
  const sk = children(b, stbl.start, stbl.end);
  const stsd = child(sk, 'stsd');
  if (!stsd) throw new Mp4ParseError('stbl: no stsd');
  const entryCount = u32(b, stsd.start + 4);
  const entries = children(b, stsd.start + 8, stsd.end);
  if (!entries) throw new Mp4ParseError('stsd: bad entries');
  const track: Mp4Track = { handler, width, height, identityMatrix, timescale, duration, sampleCount: 0, entryCount, maxChunkOffset: 0, complexEdits };
  if (editDuration !== undefined) track.editDuration = editDuration;
  const first = entries[0];
  if (first) track.entry = parseSampleEntry(b, first, handler);

  const stsz = child(sk, 'stsz') ?? child(sk, 'stz2');
  if (stsz && stsz.end - stsz.start >= 12) track.sampleCount = u32(b, stsz.start + 8);
  const stco = child(sk, 'stco');
  const co64 = child(sk, 'co64');
  if (stco) {
    const n = u32(b, stco.start + 4);
    if (stco.start + 8 + n * 4 > stco.end) throw new Mp4ParseError('stco: too short');
    for (let i = 0; i < n; i++) track.maxChunkOffset = Math.max(track.maxChunkOffset, u32(b, stco.start + 8 + i * 4));
  } else if (co64) {
    const n = u32(b, co64.start + 4);
    if (co64.start + 8 + n * 8 > co64.end) throw new Mp4ParseError('co64: too short');
    for (let i = 0; i < n; i++) track.maxChunkOffset = Math.max(track.maxChunkOffset, u64(b, co64.start + 8 + i * 8));
  } else if (track.sampleCount > 0) {
    throw new Mp4ParseError('stbl: no chunk offsets');
  }
  return track;
}

function parseSampleEntry(b: Uint8Array, e: Child, handler: string): Mp4SampleEntry {
  const entry: Mp4SampleEntry = { fourcc: e.type };
  if (handler === 'vide') {
    // SampleEntry(8: reserved 6 + data_reference_index 2) + VisualSampleEntry(16 pre-defined/reserved) width height … = 78 bytes
    if (e.end - e.start < 78) throw new Mp4ParseError('visual sample entry: too short');
    entry.width = u16(b, e.start + 24);
    entry.height = u16(b, e.start + 26);
    const boxes = children(b, e.start + 78, e.end);
    const avcC = child(boxes, 'avcC');
    if (avcC) entry.avc = parseAvcC(b.subarray(avcC.start, avcC.end));
  } else if (handler === 'soun') {
    // SampleEntry(8) + AudioSampleEntry v0: reserved 8, channelcount 2, samplesize 2, pre_defined 2, reserved 2, samplerate 4 = 28 bytes
    if (e.end - e.start < 28) throw new Mp4ParseError('audio sample entry: too short');
    const version = u16(b, e.start + 8);
    if (version !== 0) throw new Mp4ParseError(`audio sample entry: version ${version}`);
    entry.channels = u16(b, e.start + 16);
    entry.sampleRate = u32(b, e.start + 24) / 65536;
    const esds = child(children(b, e.start + 28, e.end), 'esds');
    if (esds) Object.assign(entry, parseEsds(b.subarray(esds.start, esds.end)));
  }
  return entry;
}

/** avcC → profile, constraints, level, and chroma format / bit depth from the first SPS. */
export function parseAvcC(c: Uint8Array): Mp4Avc {
  if (c.length < 7 || c[0] !== 1) throw new Mp4ParseError('avcC: bad header');
  const numSps = c[5]! & 0x1f;
  if (numSps < 1) throw new Mp4ParseError('avcC: no SPS');
  const spsLen = u16(c, 6);
  if (8 + spsLen > c.length) throw new Mp4ParseError('avcC: SPS cut off');
  return parseSps(c.subarray(8, 8 + spsLen));
}

/** Exp-Golomb bit reader over an RBSP (emulation prevention bytes removed). */
class Bits {
  private bit = 0;
  constructor(private readonly b: Uint8Array) {}
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.b[this.bit >> 3];
      if (byte === undefined) throw new Mp4ParseError('SPS: cut off');
      v = v * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return v;
  }
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) if (++zeros > 31) throw new Mp4ParseError('SPS: bad exp-Golomb');
    return zeros === 0 ? 0 : 2 ** zeros - 1 + this.u(zeros);
  }
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

export function parseSps(nal: Uint8Array): Mp4Avc {
  if (nal.length < 4 || (nal[0]! & 0x1f) !== 7) throw new Mp4ParseError('SPS: not an SPS NAL unit');
  const rbsp: number[] = [];
  for (let i = 1; i < nal.length; i++) {
    if (i >= 3 && nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0 && rbsp.length >= 2) continue;
    rbsp.push(nal[i]!);
  }
  const r = new Bits(Uint8Array.from(rbsp));
  const profileIdc = r.u(8);
  const constraintFlags = r.u(8);
  const levelIdc = r.u(8);
  r.ue(); // seq_parameter_set_id
  let chromaFormatIdc = 1;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc === 3) r.u(1);
    bitDepthLuma = 8 + r.ue();
    bitDepthChroma = 8 + r.ue();
  }
  return { profileIdc, constraintFlags, levelIdc, chromaFormatIdc, bitDepthLuma, bitDepthChroma };
}

/** esds (full box) → objectTypeIndication and the AudioSpecificConfig's audio object type. */
const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

export interface EsdsInfo {
  objectType?: number;
  audioObjectType?: number;
  /** From the AudioSpecificConfig (0 = defined elsewhere, e.g. a PCE). */
  ascChannels?: number;
  ascSampleRate?: number;
}

export function parseEsds(e: Uint8Array): EsdsInfo {
  let p = 4; // version + flags
  const out: EsdsInfo = {};
  const descriptor = (): { tag: number; len: number } | null => {
    if (p >= e.length) return null;
    const tag = e[p++]!;
    let len = 0;
    for (let i = 0; i < 4; i++) {
      const x = e[p++];
      if (x === undefined) return null;
      len = (len << 7) | (x & 0x7f);
      if (!(x & 0x80)) break;
    }
    return { tag, len };
  };
  const es = descriptor();
  if (!es || es.tag !== 3) return out;
  const flags = e[p + 2] ?? 0;
  p += 3;
  if (flags & 0x80) p += 2; // dependsOn_ES_ID
  if (flags & 0x40) p += 1 + (e[p] ?? 0); // URL
  if (flags & 0x20) p += 2; // OCR_ES_Id
  const dc = descriptor();
  if (!dc || dc.tag !== 4) return out;
  out.objectType = e[p];
  p += 13;
  const dsi = descriptor();
  if (dsi && dsi.tag === 5 && dsi.len >= 2 && p + dsi.len <= e.length) {
    // AudioSpecificConfig: audioObjectType(5, 31 = escape +6) samplingFrequencyIndex(4, 15 = explicit 24) channelConfiguration(4)
    let bit = p * 8;
    const take = (n: number): number => {
      let v = 0;
      for (let i = 0; i < n; i++, bit++) v = v * 2 + ((e[bit >> 3]! >> (7 - (bit & 7))) & 1);
      return v;
    };
    let aot = take(5);
    if (aot === 31) aot = 32 + take(6);
    out.audioObjectType = aot;
    const sfi = take(4);
    if (sfi === 15) {
      if (dsi.len < 5) return out;
      out.ascSampleRate = take(24);
    } else if (sfi < AAC_RATES.length) {
      out.ascSampleRate = AAC_RATES[sfi];
    }
    out.ascChannels = take(4);
  }
  return out;
}

// ---------------------------------------------------------------- MP3

export interface Mp3Header {
  /** Bytes of ID3v2 tag(s) before the first frame. */
  id3Bytes: number;
  version: 1 | 2 | 2.5;
  sampleRate: number;
  channels: number;
  bitRate: number;
  samplesPerFrame: number;
  /** Frames from a Xing/Info/VBRI header (the header frame itself not counted). */
  frames?: number;
  /** Stream bytes from a Xing/Info header, when given. */
  streamBytes?: number;
}

const MP3_BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MP3_RATES = [44100, 48000, 32000];

function mp3Frame(b: Uint8Array, i: number): { version: 1 | 2 | 2.5; sampleRate: number; channels: number; bitRate: number; length: number; samplesPerFrame: number } | null {
  if (i + 4 > b.length || b[i] !== 0xff || (b[i + 1]! & 0xe0) !== 0xe0) return null;
  const vBits = (b[i + 1]! >> 3) & 3;
  const layer = (b[i + 1]! >> 1) & 3;
  if (vBits === 1 || layer !== 1) return null; // reserved version / not Layer III
  const version = vBits === 3 ? 1 : vBits === 2 ? 2 : 2.5;
  const brIndex = b[i + 2]! >> 4;
  const srIndex = (b[i + 2]! >> 2) & 3;
  if (brIndex === 0 || brIndex === 15 || srIndex === 3) return null;
  const padding = (b[i + 2]! >> 1) & 1;
  const channels = b[i + 3]! >> 6 === 3 ? 1 : 2;
  const bitRate = (version === 1 ? MP3_BITRATES_V1 : MP3_BITRATES_V2)[brIndex]! * 1000;
  const sampleRate = MP3_RATES[srIndex]! / (version === 1 ? 1 : version === 2 ? 2 : 4);
  const samplesPerFrame = version === 1 ? 1152 : 576;
  const length = Math.floor(((samplesPerFrame / 8) * bitRate) / sampleRate) + padding;
  return { version, sampleRate, channels, bitRate, length, samplesPerFrame };
}

/**
 * Pure: MPEG Layer III header of a file's first bytes — ID3v2 tags skipped, the first frame must be
 * followed by another frame header (no false sync), frame count from a Xing/Info/VBRI header.
 * Null when this is not recognisably an MP3 starting within `head`.
 */
export function parseMp3Header(head: Uint8Array): Mp3Header | null {
  let p = 0;
  while (p + 10 <= head.length && head[p] === 0x49 && head[p + 1] === 0x44 && head[p + 2] === 0x33) {
    const s = head.subarray(p + 6, p + 10);
    if (s.some((x) => x & 0x80)) return null;
    const footer = head[p + 5]! & 0x10 ? 10 : 0;
    p += 10 + footer + ((s[0]! << 21) | (s[1]! << 14) | (s[2]! << 7) | s[3]!);
  }
  const f = mp3Frame(head, p);
  if (!f) return null;
  const next = mp3Frame(head, p + f.length);
  if (!next || next.sampleRate !== f.sampleRate || next.version !== f.version) return null;
  const header: Mp3Header = { id3Bytes: p, version: f.version, sampleRate: f.sampleRate, channels: f.channels, bitRate: f.bitRate, samplesPerFrame: f.samplesPerFrame };
  const sideInfo = f.version === 1 ? (f.channels === 1 ? 17 : 32) : f.channels === 1 ? 9 : 17;
  const x = p + 4 + sideInfo;
  const tag = x + 8 <= head.length ? fourcc(head, x) : '';
  if (tag === 'Xing' || tag === 'Info') {
    const flags = u32(head, x + 4);
    let q = x + 8;
    if (flags & 1 && q + 4 <= head.length) {
      header.frames = u32(head, q);
      q += 4;
    }
    if (flags & 2 && q + 4 <= head.length) header.streamBytes = u32(head, q);
  } else if (p + 36 + 18 <= head.length && fourcc(head, p + 36) === 'VBRI') {
    header.streamBytes = u32(head, p + 36 + 10);
    header.frames = u32(head, p + 36 + 14);
  }
  return header;
}
