/**
 * The media profile, and the pure decision "does this file play well in Chromium on an old
 * classroom PC as it is, or must it be remuxed / transcoded?" (DESIGN §4).
 *
 * Chromium (Electron 22 and later, proprietary codecs) plays H.264/AAC in MP4 and MP3/AAC audio
 * well, even on old hardware, when the resolution and bit rate are modest and the `moov` box comes
 * first. Everything else — AVI, WMV, FLV, RMVB, MKV, MPEG-PS, HEVC, VP9 on weak CPUs, 10-bit, 60 fps,
 * huge bit rates, > profile height — is transcoded to H.264 (Main, yuv420p) + AAC-LC in MP4 with
 * `-movflags +faststart`.
 */
import type { ProbeResult } from './probe';

export type ProfileName = '480p' | '720p';

export interface MediaProfile {
  name: ProfileName;
  /** Short side of the picture (height for landscape video). */
  maxShortSide: number;
  maxFps: number;
  /** x264 CRF and a VBV cap so the stream stays light for an old PC's decoder. */
  crf: number;
  maxVideoKbps: number;
  /** Pass-through is refused above this total bit rate (kbit/s). */
  passThroughMaxKbps: number;
  audioKbps: number;
  /** Longest side of pictures kept as they are; bigger images are scaled down. */
  maxImageSide: number;
  /** Width of video thumbnails. */
  thumbnailWidth: number;
}

export const PROFILES: Record<ProfileName, MediaProfile> = {
  '480p': { name: '480p', maxShortSide: 480, maxFps: 30, crf: 24, maxVideoKbps: 1200, passThroughMaxKbps: 2500, audioKbps: 96, maxImageSide: 2560, thumbnailWidth: 320 },
  '720p': { name: '720p', maxShortSide: 720, maxFps: 30, crf: 23, maxVideoKbps: 2500, passThroughMaxKbps: 5000, audioKbps: 128, maxImageSide: 2560, thumbnailWidth: 320 },
};

export function getProfile(name: string): MediaProfile {
  const p = (PROFILES as Record<string, MediaProfile | undefined>)[name];
  if (!p) throw new RangeError(`Unknown media profile "${name}" (known: ${Object.keys(PROFILES).join(', ')})`);
  return p;
}

/**
 * Bump when the ffmpeg arguments or the decisions below change in a way that changes output
 * bytes: it is part of the transcode cache key.
 */
export const PIPELINE_VERSION = 1;

export type PlanAction =
  /** Keep the bytes as they are. */
  | 'copy'
  /** Same streams, new container / moov moved to the front (`-c copy -movflags +faststart`). */
  | 'remux'
  /** Re-encode. */
  | 'transcode';

export interface TranscodePlan {
  action: PlanAction;
  kind: ProbeResult['kind'];
  /** Why (machine-readable, English): "container avi", "video codec hevc", "height 1080 > 480", … */
  reasons: string[];
  /** Output extension without dot and MIME type. */
  ext: string;
  mime: string;
  /** ffmpeg output arguments (after `-i <input>`, before the output file). Empty for 'copy'. */
  args: string[];
  /** Output picture size for video/image transcodes. */
  width?: number;
  height?: number;
}

const MP4_CONTAINER = /(^|,)mp4(,|$)|(^|,)mov(,|$)/;
const GOOD_H264_PROFILES = new Set(['Constrained Baseline', 'Baseline', 'Main', 'High']);

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

/** Fit (w,h) so that the short side is ≤ maxShort; returns even dimensions. */
export function fitShortSide(width: number, height: number, maxShort: number): { width: number; height: number; scaled: boolean } {
  const short = Math.min(width, height);
  if (short <= maxShort) return { width: even(width), height: even(height), scaled: even(width) !== width || even(height) !== height };
  const f = maxShort / short;
  return { width: even(width * f), height: even(height * f), scaled: true };
}

function fitLongSide(width: number, height: number, maxLong: number): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= maxLong) return { width, height };
  const f = maxLong / long;
  return { width: Math.max(1, Math.round(width * f)), height: Math.max(1, Math.round(height * f)) };
}

function audioArgs(profile: MediaProfile, channels: number | undefined): string[] {
  return ['-c:a', 'aac', '-b:a', `${profile.audioKbps}k`, '-ac', String(Math.min(channels ?? 2, 2)), '-ar', '44100'];
}

function planVideo(probe: ProbeResult, profile: MediaProfile, force: boolean): TranscodePlan {
  const v = probe.video!;
  const reasons: string[] = [];
  const isMp4 = MP4_CONTAINER.test(probe.container) && probe.brand !== 'qt  ';
  if (!isMp4) reasons.push(`container ${probe.container.split(',')[0]}`);
  if (v.codec !== 'h264') reasons.push(`video codec ${v.codec}`);
  else if (v.profile && !GOOD_H264_PROFILES.has(v.profile)) reasons.push(`h264 profile ${v.profile}`);
  if (v.pixFmt && v.pixFmt !== 'yuv420p' && v.pixFmt !== 'yuvj420p') reasons.push(`pixel format ${v.pixFmt}`);
  const rotated = v.rotation === 90 || v.rotation === 270;
  const dispW = rotated ? v.height : v.width;
  const dispH = rotated ? v.width : v.height;
  const short = Math.min(dispW, dispH);
  if (short > profile.maxShortSide) reasons.push(`short side ${short} > ${profile.maxShortSide}`);
  if (v.fps !== undefined && v.fps > profile.maxFps + 0.5) reasons.push(`fps ${Math.round(v.fps)} > ${profile.maxFps}`);
  const kbps = probe.bitRate !== undefined ? probe.bitRate / 1000 : undefined;
  if (kbps !== undefined && kbps > profile.passThroughMaxKbps) reasons.push(`bit rate ${Math.round(kbps)}k > ${profile.passThroughMaxKbps}k`);
  const a = probe.audio;
  const audioOk = !a || (a.codec === 'aac' && (!a.profile || a.profile === 'LC')) || a.codec === 'mp3';
  if (!audioOk) reasons.push(`audio codec ${a!.codec}${a!.profile ? ` ${a!.profile}` : ''}`);

  const videoOk = !reasons.some((r) => !r.startsWith('container'));
  if (force) reasons.push('re-encode forced');
  if (reasons.length === 0) {
    if (probe.moovFirst === false) {
      return { action: 'remux', kind: 'video', reasons: ['moov after mdat (no faststart)'], ext: 'mp4', mime: 'video/mp4', args: remuxArgs(probe) };
    }
    return { action: 'copy', kind: 'video', reasons: [], ext: 'mp4', mime: 'video/mp4', args: [] };
  }
  if (!force && videoOk && audioOk && v.codec === 'h264') {
    // only the container is wrong (e.g. H.264/AAC in MKV or FLV): copy the streams into MP4
    return { action: 'remux', kind: 'video', reasons, ext: 'mp4', mime: 'video/mp4', args: remuxArgs(probe) };
  }
  const size = fitShortSide(dispW, dispH, profile.maxShortSide);
  const filters = [`scale=${size.width}:${size.height}`, 'format=yuv420p'];
  if (v.fps !== undefined && v.fps > profile.maxFps + 0.5) filters.push(`fps=${profile.maxFps}`);
  const args = [
    '-map', '0:v:0', '-map', '0:a:0?', '-sn', '-dn',
    '-vf', filters.join(','),
    '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-level', profile.maxShortSide > 480 ? '3.1' : '3.0',
    '-crf', String(profile.crf), '-maxrate', `${profile.maxVideoKbps}k`, '-bufsize', `${profile.maxVideoKbps * 2}k`,
    '-g', String(profile.maxFps * 4),
    ...audioArgs(profile, a?.channels),
    '-movflags', '+faststart', '-f', 'mp4',
  ];
  return { action: 'transcode', kind: 'video', reasons, ext: 'mp4', mime: 'video/mp4', args, width: size.width, height: size.height };
}

function remuxArgs(probe: ProbeResult): string[] {
  const a = probe.audio;
  // MP3 in MP4 plays in Chromium, but AAC is the safe pair; ADTS AAC needs the bitstream filter.
  const audio = !a ? [] : a.codec === 'aac' ? ['-c:a', 'copy', '-bsf:a', 'aac_adtstoasc'] : ['-c:a', 'copy'];
  return ['-map', '0:v:0', '-map', '0:a:0?', '-sn', '-dn', '-c:v', 'copy', ...audio, '-movflags', '+faststart', '-f', 'mp4'];
}

function planAudio(probe: ProbeResult, profile: MediaProfile, preferMp3: boolean): TranscodePlan {
  const a = probe.audio!;
  const container = probe.container.split(',')[0]!;
  if (probe.container === 'mp3' && a.codec === 'mp3') {
    return { action: 'copy', kind: 'audio', reasons: [], ext: 'mp3', mime: 'audio/mpeg', args: [] };
  }
  if (MP4_CONTAINER.test(probe.container) && a.codec === 'aac' && (!a.profile || a.profile === 'LC')) {
    if (probe.moovFirst === false) {
      return { action: 'remux', kind: 'audio', reasons: ['moov after mdat (no faststart)'], ext: 'm4a', mime: 'audio/mp4', args: ['-map', '0:a:0', '-vn', '-c:a', 'copy', '-movflags', '+faststart', '-f', 'mp4'] };
    }
    return { action: 'copy', kind: 'audio', reasons: [], ext: 'm4a', mime: 'audio/mp4', args: [] };
  }
  const reasons = [`audio ${container}/${a.codec}`];
  if (preferMp3) {
    return { action: 'transcode', kind: 'audio', reasons, ext: 'mp3', mime: 'audio/mpeg', args: ['-map', '0:a:0', '-vn', '-c:a', 'libmp3lame', '-b:a', `${profile.audioKbps}k`, '-ar', '44100', '-f', 'mp3'] };
  }
  return { action: 'transcode', kind: 'audio', reasons, ext: 'm4a', mime: 'audio/mp4', args: ['-map', '0:a:0', '-vn', ...audioArgs(profile, a.channels), '-movflags', '+faststart', '-f', 'mp4'] };
}

function planImage(probe: ProbeResult, profile: MediaProfile): TranscodePlan {
  const v = probe.video!;
  const codec = v.codec;
  const native: Record<string, { ext: string; mime: string }> = {
    mjpeg: { ext: 'jpg', mime: 'image/jpeg' },
    png: { ext: 'png', mime: 'image/png' },
    gif: { ext: 'gif', mime: 'image/gif' },
    webp: { ext: 'webp', mime: 'image/webp' },
  };
  const keep = native[codec];
  const tooBig = Math.max(v.width, v.height) > profile.maxImageSide;
  if (keep && !tooBig) return { action: 'copy', kind: 'image', reasons: [], ext: keep.ext, mime: keep.mime, args: [] };
  if (codec === 'gif' && tooBig) {
    // animated GIFs are kept (rare, and scaling them loses the animation)
    return { action: 'copy', kind: 'image', reasons: [], ext: 'gif', mime: 'image/gif', args: [] };
  }
  const reasons = [];
  if (!keep) reasons.push(`image codec ${codec}`);
  if (tooBig) reasons.push(`image ${v.width}x${v.height} > ${profile.maxImageSide}`);
  const size = fitLongSide(v.width, v.height, profile.maxImageSide);
  const toPng = codec === 'png' || codec === 'bmp' || codec === 'tiff' || codec === 'gif' || (v.pixFmt ?? '').includes('a');
  const scale = `scale=${size.width}:${size.height}`;
  return toPng
    ? { action: 'transcode', kind: 'image', reasons, ext: 'png', mime: 'image/png', args: ['-frames:v', '1', '-vf', scale, '-c:v', 'png', '-f', 'image2'], width: size.width, height: size.height }
    : { action: 'transcode', kind: 'image', reasons, ext: 'jpg', mime: 'image/jpeg', args: ['-frames:v', '1', '-vf', `${scale},format=yuvj420p`, '-c:v', 'mjpeg', '-q:v', '3', '-f', 'image2'], width: size.width, height: size.height };
}

/**
 * Pure: decide what to do with a probed file under a profile. `options.audioFormat` chooses the
 * target of audio transcodes (AAC in .m4a by default, or MP3).
 */
export function planTranscode(
  probe: ProbeResult,
  profile: MediaProfile,
  options: { audioFormat?: 'aac' | 'mp3'; /** never copy/remux a video (used when a remux failed) */ forceTranscode?: boolean } = {},
): TranscodePlan {
  switch (probe.kind) {
    case 'video':
      return planVideo(probe, profile, options.forceTranscode === true);
    case 'audio':
      return planAudio(probe, profile, options.audioFormat === 'mp3');
    case 'image':
      return planImage(probe, profile);
  }
}
