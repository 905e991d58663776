/** ffprobe → a small, typed description of a media file. Node 16 APIs only. */
import { open } from 'node:fs/promises';
import { TeachPointError } from '../../common/errors/errors';
import { resolveFfprobe } from './binaries';
import { run, stderrTail } from './exec';

export type MediaKind = 'video' | 'audio' | 'image';

export interface ProbeResult {
  kind: MediaKind;
  /** ffprobe format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "avi", "matroska,webm", "mp3", "png_pipe". */
  container: string;
  /** major_brand tag of ISO-BMFF files ("isom", "mp42", "qt  "), when present. */
  brand?: string;
  /** Seconds; absent for still images. */
  duration?: number;
  /** Overall bit rate in bits/s, when known. */
  bitRate?: number;
  size: number;
  video?: {
    codec: string;
    profile?: string;
    pixFmt?: string;
    width: number;
    height: number;
    /** Display rotation in degrees (phone videos), 0 when none. */
    rotation: number;
    fps?: number;
    bitRate?: number;
  };
  audio?: {
    codec: string;
    profile?: string;
    channels?: number;
    sampleRate?: number;
    bitRate?: number;
  };
  /** For ISO-BMFF files: whether the `moov` box comes before `mdat` (i.e. "+faststart"). */
  moovFirst?: boolean;
}

interface FfStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  bit_rate?: string;
  channels?: number;
  sample_rate?: string;
  nb_frames?: string;
  duration?: string;
  tags?: Record<string, string>;
  side_data_list?: Array<{ rotation?: number }>;
  disposition?: { attached_pic?: number };
}

interface FfFormat {
  format_name?: string;
  duration?: string;
  bit_rate?: string;
  size?: string;
  tags?: Record<string, string>;
}

const IMAGE_CODECS = new Set(['png', 'mjpeg', 'jpeg2000', 'bmp', 'gif', 'webp', 'tiff', 'ppm', 'pgm', 'pbm', 'targa', 'jpegls', 'pcx', 'sgi']);

function num(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function rate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const [a, b] = value.split('/').map(Number);
  if (!a || !b) return undefined;
  const r = a / b;
  return Number.isFinite(r) && r > 0 && r < 1000 ? r : undefined;
}

/** Pure: turn ffprobe's JSON (`-show_format -show_streams`) into a ProbeResult, or null if it is no media we know. */
export function parseFfprobe(json: { format?: FfFormat; streams?: FfStream[] }, size: number): ProbeResult | null {
  const format = json.format ?? {};
  const streams = json.streams ?? [];
  const container = format.format_name ?? 'unknown';
  const videoStreams = streams.filter((s) => s.codec_type === 'video');
  const audioStream = streams.find((s) => s.codec_type === 'audio');
  const realVideo = videoStreams.find((s) => !s.disposition?.attached_pic && !IMAGE_CODECS.has(s.codec_name ?? ''));
  const imageStream = videoStreams.find((s) => IMAGE_CODECS.has(s.codec_name ?? ''));
  const duration = num(format.duration);

  let kind: MediaKind;
  let v: FfStream | undefined;
  const isImageContainer = container.endsWith('_pipe') || container === 'image2' || container === 'gif' || container === 'webp';
  if (realVideo) {
    kind = 'video';
    v = realVideo;
  } else if (audioStream) {
    kind = 'audio';
  } else if (imageStream && (isImageContainer || !duration || duration < 0.5 || imageStream.nb_frames === '1')) {
    kind = 'image';
    v = imageStream;
  } else if (imageStream) {
    // e.g. an MJPEG-in-AVI clip: a video
    kind = 'video';
    v = imageStream;
  } else {
    return null;
  }

  const result: ProbeResult = { kind, container, size };
  const brand = format.tags?.major_brand;
  if (brand) result.brand = brand;
  if (kind !== 'image' && duration !== undefined) result.duration = duration;
  const bitRate = num(format.bit_rate);
  if (bitRate !== undefined) result.bitRate = bitRate;
  if (v && v.width && v.height) {
    let rotation = 0;
    const tagRot = Number(v.tags?.rotate ?? 0);
    const sideRot = v.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation ?? 0;
    rotation = (((Math.round(tagRot || -sideRot) % 360) + 360) % 360);
    result.video = { codec: v.codec_name ?? 'unknown', width: v.width, height: v.height, rotation };
    if (v.profile) result.video.profile = v.profile;
    if (v.pix_fmt) result.video.pixFmt = v.pix_fmt;
    const fps = rate(v.avg_frame_rate) ?? rate(v.r_frame_rate);
    if (fps !== undefined && kind === 'video') result.video.fps = fps;
    const vbr = num(v.bit_rate);
    if (vbr !== undefined) result.video.bitRate = vbr;
  } else if (kind !== 'audio') {
    return null;
  }
  if (audioStream && kind !== 'image') {
    result.audio = { codec: audioStream.codec_name ?? 'unknown' };
    if (audioStream.profile) result.audio.profile = audioStream.profile;
    if (audioStream.channels) result.audio.channels = audioStream.channels;
    const sr = num(audioStream.sample_rate);
    if (sr !== undefined) result.audio.sampleRate = sr;
    const abr = num(audioStream.bit_rate);
    if (abr !== undefined) result.audio.bitRate = abr;
  }
  return result;
}

export interface Mp4Layout {
  /** true when `moov` precedes `mdat` ("+faststart"), false when `mdat` comes first. */
  moovFirst?: boolean;
  /** A top-level box runs past the end of the file (a cut-off copy), or `moov` is missing. */
  truncated: boolean;
}

/** Walks the top-level ISO-BMFF boxes; undefined when the file is not ISO-BMFF. */
export async function mp4Layout(file: string): Promise<Mp4Layout | undefined> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const header = Buffer.alloc(16);
    let pos = 0;
    let moov = -1;
    let mdat = -1;
    for (let i = 0; i < 256 && pos < size; i++) {
      const { bytesRead } = await fh.read(header, 0, 16, pos);
      if (bytesRead < 8) return { truncated: true, ...order(moov, mdat) };
      let boxSize = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      if (!/^[a-zA-Z0-9 \xa9]{4}$/.test(type)) return i === 0 ? undefined : { truncated: true, ...order(moov, mdat) };
      if (type === 'moov' && moov < 0) moov = pos;
      if (type === 'mdat' && mdat < 0) mdat = pos;
      if (boxSize === 1) {
        if (bytesRead < 16) return { truncated: true, ...order(moov, mdat) };
        boxSize = Number(header.readBigUInt64BE(8));
      } else if (boxSize === 0) {
        boxSize = size - pos; // runs to end of file
      }
      if (boxSize < 8) return { truncated: true, ...order(moov, mdat) };
      if (pos + boxSize > size) return { truncated: true, ...order(moov, mdat) };
      pos += boxSize;
    }
    return { truncated: moov < 0, ...order(moov, mdat) };
  } finally {
    await fh.close();
  }
}

function order(moov: number, mdat: number): { moovFirst?: boolean } {
  if (moov >= 0 && (mdat < 0 || moov < mdat)) return { moovFirst: true };
  if (mdat >= 0 && (moov < 0 || mdat < moov)) return { moovFirst: false };
  return {};
}

/**
 * Pure: PNG and baseline/progressive JPEG dimensions from the header bytes (the common case for
 * classroom pictures), so a pack with hundreds of pictures does not start ffprobe hundreds of
 * times. Returns null for anything else (then ffprobe decides). `tail` = the last bytes of the
 * file, to notice a JPEG cut off while copying (no EOI marker).
 */
export function parseStillImageHeader(head: Uint8Array, tail: Uint8Array): { codec: 'png' | 'mjpeg'; width: number; height: number; truncated: boolean } | null {
  const u16 = (i: number) => (head[i]! << 8) | head[i + 1]!;
  const u32 = (i: number) => ((head[i]! << 24) >>> 0) + (head[i + 1]! << 16) + (head[i + 2]! << 8) + head[i + 3]!;
  if (head.length >= 24 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47 && String.fromCharCode(...head.subarray(12, 16)) === 'IHDR') {
    const width = u32(16);
    const height = u32(20);
    const iend = tail.length >= 8 && String.fromCharCode(...tail.subarray(tail.length - 8, tail.length - 4)) === 'IEND';
    return width > 0 && height > 0 ? { codec: 'png', width, height, truncated: !iend } : null;
  }
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xd8) {
    let i = 2;
    while (i + 9 < head.length) {
      if (head[i] !== 0xff) return null;
      const marker = head[i + 1]!;
      if (marker === 0xff) {
        i++;
        continue;
      }
      const len = u16(i + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC)
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        const height = u16(i + 5);
        const width = u16(i + 7);
        let end = tail.length - 1;
        while (end > 0 && tail[end] === 0) end--; // some cameras pad with zeros after EOI
        const eoi = end >= 1 && tail[end - 1] === 0xff && tail[end] === 0xd9;
        return width > 0 && height > 0 ? { codec: 'mjpeg', width, height, truncated: !eoi } : null;
      }
      i += 2 + len;
    }
  }
  return null;
}

async function probeStillImage(file: string, size: number): Promise<ProbeResult | null> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 256 * 1024));
    await fh.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(size, 64));
    await fh.read(tail, 0, tail.length, size - tail.length);
    const img = parseStillImageHeader(head, tail);
    if (!img) return null;
    if (img.truncated) {
      throw new TeachPointError(
        'media.unreadable',
        { zh: `图片文件不完整（可能复制时被截断）：${file}。请重新复制或导出该图片。`, en: `Picture is incomplete (probably cut off while copying): ${file}. Copy or export it again.` },
        { file, truncated: true },
      );
    }
    return { kind: 'image', container: img.codec === 'png' ? 'png_pipe' : 'jpeg_pipe', size, video: { codec: img.codec, width: img.width, height: img.height, rotation: 0 } };
  } finally {
    await fh.close();
  }
}

/**
 * Probe a media file with ffprobe (PNG/JPEG pictures: from their headers). Throws `media.unreadable` (bilingual, with ffprobe's own
 * words in details) when the file is corrupt, truncated or not audio/video/image.
 */
export async function probeMedia(file: string, options: { signal?: AbortSignal } = {}): Promise<ProbeResult> {
  const ffprobe = resolveFfprobe();
  const fh = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new TeachPointError(
      'media.unreadable',
      { zh: `无法打开文件 ${file}：${err.code ?? err.message}。请检查文件是否存在、是否有读取权限。`, en: `Cannot open ${file}: ${err.code ?? err.message}. Check that it exists and is readable.` },
      { file },
    );
  });
  const { size } = await fh.stat();
  await fh.close();
  if (/\.(png|jpe?g)$/i.test(file)) {
    const still = await probeStillImage(file, size);
    if (still) return still;
  }
  const r = await run(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], options.signal ? { signal: options.signal } : {});
  let parsed: ProbeResult | null = null;
  if (r.code === 0) {
    try {
      parsed = parseFfprobe(JSON.parse(r.stdout) as { format?: FfFormat; streams?: FfStream[] }, size);
    } catch {
      parsed = null;
    }
  }
  if (!parsed) {
    const why = stderrTail(r.stderr, 3) || 'no audio/video/image stream';
    throw new TeachPointError(
      'media.unreadable',
      {
        zh: `媒体文件损坏或无法识别：${file}（${why}）。请用播放器检查该文件，重新导出或替换它。`,
        en: `Media file is corrupt or not recognised: ${file} (${why}). Check it in a player, then re-export or replace it.`,
      },
      { file, ffprobe: why },
    );
  }
  if (/mp4|mov/.test(parsed.container)) {
    const layout = await mp4Layout(file);
    if (layout?.truncated) {
      throw new TeachPointError(
        'media.unreadable',
        {
          zh: `媒体文件不完整（可能复制时被截断）：${file}。请重新复制或导出该文件。`,
          en: `Media file is incomplete (probably cut off while copying): ${file}. Copy or export it again.`,
        },
        { file, truncated: true },
      );
    }
    if (layout?.moovFirst !== undefined) parsed.moovFirst = layout.moovFirst;
  }
  return parsed;
}
