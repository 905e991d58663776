/**
 * The fast path of probing: read a few header bytes (MP4: box headers + `moov`; MP3: the first
 * frames) and, only when the file is certainly already conforming under the profile (the plan would
 * be 'copy'), return the ProbeResult ffprobe would have given — without starting ffprobe. For
 * anything else (other codecs, no faststart, fragmented or cut-off files, odd layouts, extra
 * tracks, rotation) it answers `fallback` with the reason, and the caller runs ffprobe, which also
 * reports corruption. Node 16 APIs only.
 */
import { open } from 'node:fs/promises';
import { MAX_MOOV_BYTES, Mp4ParseError, parseMoov, parseMp3Header, scanMp4, type Mp4Movie, type Mp4Scan, type Mp4Track } from './isobmff';
import { planTranscode, type MediaProfile } from './plan';
import type { ProbeResult } from './probe';

export type FastProbe = { probe: ProbeResult } | { fallback: string };

/** ffprobe's name for the ISO-BMFF demuxer. */
const MOV_FORMAT = 'mov,mp4,m4a,3gp,3g2,mj2';
/** Top-level boxes a plain (non-fragmented) MP4 may have. */
const PLAIN_TOP_LEVEL = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'uuid', 'pdin', 'meta']);

export async function fastProbe(file: string, profile: MediaProfile): Promise<FastProbe> {
  const lower = file.toLowerCase();
  const isMp4 = /\.(mp4|m4v|m4a|mov)$/.test(lower);
  const isMp3 = lower.endsWith('.mp3');
  if (!isMp4 && !isMp3) return { fallback: 'not an MP4/MP3 file name' };
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return { fallback: 'cannot open' }; // ffprobe reports it properly
  }
  try {
    const { size } = await fh.stat();
    const read = async (position: number, length: number): Promise<Uint8Array> => {
      const buf = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - position)));
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await fh!.read(buf, got, buf.length - got, position + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.subarray(0, got);
    };
    if (isMp4) {
      const scan = await scanMp4(read, size);
      return mp4Decision(scan, size, profile);
    }
    return mp3Decision(await read(0, 64 * 1024), size, profile);
  } finally {
    await fh.close();
  }
}

/** Pure: what the fast path makes of a scanned MP4 (exported for tests). */
export function mp4Decision(scan: Mp4Scan | null, size: number, profile: MediaProfile): FastProbe {
  if (!scan) return { fallback: 'not ISO-BMFF' };
  if (scan.truncated) return { fallback: 'truncated (a box runs past the end of the file)' };
  const odd = scan.boxes.find((b) => !PLAIN_TOP_LEVEL.has(b.type));
  if (odd) return { fallback: `top-level box ${odd.type}${odd.type === 'moof' || odd.type === 'sidx' || odd.type === 'styp' ? ' (fragmented)' : ''}` };
  if (scan.boxes.filter((b) => b.type === 'moov').length !== 1) return { fallback: 'not exactly one moov' };
  if (!scan.boxes.some((b) => b.type === 'mdat')) return { fallback: 'no mdat' };
  if (!scan.moovFirst) return { fallback: 'moov after mdat (no faststart)' };
  if (!scan.moov) return { fallback: `moov larger than ${MAX_MOOV_BYTES} bytes` };
  if (scan.majorBrand === 'qt  ') return { fallback: 'QuickTime brand' };
  let movie: Mp4Movie;
  try {
    movie = parseMoov(scan.moov);
  } catch (err) {
    if (err instanceof Mp4ParseError) return { fallback: err.message };
    throw err;
  }
  if (movie.fragmented) return { fallback: 'fragmented (mvex)' };
  const vide = movie.tracks.filter((t) => t.handler === 'vide');
  const soun = movie.tracks.filter((t) => t.handler === 'soun');
  if (vide.length + soun.length !== movie.tracks.length) return { fallback: `other tracks (${movie.tracks.map((t) => t.handler).join(',')})` };
  if (vide.length > 1 || soun.length > 1 || movie.tracks.length === 0) return { fallback: `${vide.length} video / ${soun.length} audio tracks` };
  const mdatEnd = Math.max(...scan.boxes.filter((b) => b.type === 'mdat').map((b) => b.start + b.size));
  for (const t of movie.tracks) {
    if (t.entryCount !== 1 || !t.entry) return { fallback: `${t.handler}: ${t.entryCount} sample descriptions` };
    if (t.sampleCount <= 0 || t.timescale <= 0 || t.duration <= 0) return { fallback: `${t.handler}: empty track` };
    if (t.maxChunkOffset >= mdatEnd || t.maxChunkOffset >= size) return { fallback: `${t.handler}: samples past the end of mdat` };
    if (t.complexEdits) return { fallback: `${t.handler}: edit list` };
  }
  if (movie.timescale <= 0 || movie.duration <= 0) return { fallback: 'no movie duration' };
  // like ffprobe: the longest track as presented (after its edit list, e.g. without AAC priming)
  const duration = Math.max(...movie.tracks.map((t) => (t.editDuration !== undefined ? t.editDuration / movie.timescale : t.duration / t.timescale)));
  if (!(duration > 0)) return { fallback: 'no duration' };
  const probe: ProbeResult = { kind: vide.length ? 'video' : 'audio', container: MOV_FORMAT, size, duration, bitRate: Math.floor((size * 8) / duration), moovFirst: true };
  if (scan.majorBrand) probe.brand = scan.majorBrand;
  if (vide[0]) {
    const r = videoOf(vide[0]);
    if ('fallback' in r) return r;
    probe.video = r.video;
  }
  if (soun[0]) {
    const r = audioOf(soun[0]);
    if ('fallback' in r) return r;
    probe.audio = r.audio;
  }
  const plan = planTranscode(probe, profile);
  if (plan.action !== 'copy') return { fallback: `not conforming: ${plan.reasons.join('; ') || plan.action}` };
  return { probe };
}

const H264_PROFILE: Record<number, string> = { 66: 'Baseline', 77: 'Main', 100: 'High' };

function videoOf(t: Mp4Track): { video: NonNullable<ProbeResult['video']> } | { fallback: string } {
  const e = t.entry!;
  if (e.fourcc !== 'avc1') return { fallback: `video sample entry ${e.fourcc}` };
  const avc = e.avc;
  if (!avc) return { fallback: 'avc1 without avcC' };
  let profile = H264_PROFILE[avc.profileIdc];
  if (!profile) return { fallback: `h264 profile_idc ${avc.profileIdc}` };
  if (avc.profileIdc === 66 && avc.constraintFlags & 0x40) profile = 'Constrained Baseline';
  if (avc.chromaFormatIdc !== 1 || avc.bitDepthLuma !== 8 || avc.bitDepthChroma !== 8) return { fallback: `h264 chroma ${avc.chromaFormatIdc}, ${avc.bitDepthLuma} bit` };
  if (!t.identityMatrix) return { fallback: 'rotated or transformed video track' };
  if (!e.width || !e.height) return { fallback: 'no picture size' };
  if (t.width && t.height && (t.width !== e.width || t.height !== e.height)) return { fallback: `display size ${t.width}x${t.height} ≠ coded ${e.width}x${e.height}` };
  const fps = t.sampleCount / (t.duration / t.timescale);
  return { video: { codec: 'h264', profile, pixFmt: 'yuv420p', width: e.width, height: e.height, rotation: 0, fps } };
}

function audioOf(t: Mp4Track): { audio: NonNullable<ProbeResult['audio']> } | { fallback: string } {
  const e = t.entry!;
  if (e.fourcc !== 'mp4a') return { fallback: `audio sample entry ${e.fourcc}` };
  if (e.objectType !== 0x40 || e.audioObjectType !== 2) return { fallback: `mp4a object type ${e.objectType ?? '?'} / ${e.audioObjectType ?? '?'}` };
  const audio: NonNullable<ProbeResult['audio']> = { codec: 'aac', profile: 'LC' };
  const channels = e.ascChannels || e.channels;
  const sampleRate = e.ascSampleRate || e.sampleRate;
  if (channels) audio.channels = channels;
  if (sampleRate) audio.sampleRate = sampleRate;
  return { audio };
}

/** Pure: what the fast path makes of an MP3's first bytes (exported for tests). */
export function mp3Decision(head: Uint8Array, size: number, profile: MediaProfile): FastProbe {
  const h = parseMp3Header(head);
  if (!h) return { fallback: 'no MPEG Layer III frames at the start' };
  if (!h.frames) return { fallback: 'no Xing/Info/VBRI frame count' };
  if (h.streamBytes !== undefined && h.id3Bytes + h.streamBytes > size) return { fallback: 'shorter than its Xing header says (cut off?)' };
  const duration = (h.frames * h.samplesPerFrame) / h.sampleRate;
  if (!(duration > 0)) return { fallback: 'no duration' };
  const probe: ProbeResult = {
    kind: 'audio',
    container: 'mp3',
    size,
    duration,
    bitRate: Math.floor((size * 8) / duration),
    audio: { codec: 'mp3', channels: h.channels, sampleRate: h.sampleRate, bitRate: h.bitRate },
  };
  const plan = planTranscode(probe, profile);
  if (plan.action !== 'copy') return { fallback: `not conforming: ${plan.reasons.join('; ')}` };
  return { probe };
}
