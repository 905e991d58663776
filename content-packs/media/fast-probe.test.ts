import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpeg, makeAvi, makeMp3, makeMp4, makeWav } from '../../tests/fixtures/tiny-media';
import { fastProbe, mp3Decision } from './fast-probe';
import { parseMoov, parseMp3Header, parseSps, scanMp4 } from './isobmff';
import { PROFILES } from './plan';
import { probeMedia } from './probe';

const P480 = PROFILES['480p'];
const V = ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=1', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-shortest'];

let dir: string;
const f: Record<string, string> = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp-fastprobe-'));
  f.good = makeMp4(join(dir, 'good.mp4'));
  f.slow = makeMp4(join(dir, 'slow.mp4'), { faststart: false });
  f.tall = makeMp4(join(dir, 'tall.mp4'), { w: 1280, h: 720 });
  f.hevc = join(dir, 'hevc.mp4');
  ffmpeg([...V, '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=none', '-tag:v', 'hvc1', '-c:a', 'aac', '-movflags', '+faststart', f.hevc]);
  f.mpeg4 = join(dir, 'mpeg4.mp4');
  ffmpeg([...V, '-c:v', 'mpeg4', '-c:a', 'aac', '-movflags', '+faststart', f.mpeg4]);
  f.high10 = join(dir, 'high10.mp4');
  ffmpeg([...V, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', '-c:a', 'aac', '-movflags', '+faststart', f.high10]);
  f.frag = join(dir, 'frag.mp4');
  ffmpeg([...V, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', f.frag]);
  f.trunc = join(dir, 'trunc.mp4');
  copyFileSync(f.good, f.trunc);
  truncateSync(f.trunc, statSync(f.good).size - 500);
  f.m4a = join(dir, 'sound.m4a');
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=500:duration=1', '-c:a', 'aac', '-movflags', '+faststart', f.m4a]);
  f.mp3 = makeMp3(join(dir, 'a.mp3'), 2);
  f.avi = makeAvi(join(dir, 'a.avi'));
  f.wav = makeWav(join(dir, 'a.wav'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fallback = async (file: string): Promise<string> => {
  const r = await fastProbe(file, P480);
  if (!('fallback' in r)) throw new Error(`${file} passed the fast path: ${JSON.stringify(r.probe)}`);
  return r.fallback;
};

describe('fastProbe on real ffmpeg files', () => {
  it('passes H.264/AAC faststart MP4 with what ffprobe says (codec, size, fps, duration, audio)', async () => {
    const r = await fastProbe(f.good!, P480);
    expect('probe' in r).toBe(true);
    const fast = (r as { probe: Awaited<ReturnType<typeof probeMedia>> }).probe;
    const slow = await probeMedia(f.good!);
    expect(fast).toMatchObject({ kind: 'video', container: slow.container, brand: slow.brand, moovFirst: true, size: slow.size });
    expect(fast.video).toMatchObject({ codec: 'h264', profile: slow.video!.profile, pixFmt: slow.video!.pixFmt, width: 160, height: 120, rotation: 0 });
    expect(fast.video!.fps).toBeCloseTo(slow.video!.fps!, 3);
    expect(fast.duration).toBeCloseTo(slow.duration!, 2);
    expect(fast.audio).toMatchObject({ codec: 'aac', profile: 'LC', channels: slow.audio!.channels, sampleRate: slow.audio!.sampleRate });
    const m4a = await fastProbe(f.m4a!, P480);
    expect('probe' in m4a && m4a.probe.kind).toBe('audio');
  });

  it('does not pass MP4 without faststart, above the profile height, HEVC, MPEG-4 Part 2 or 4:4:4', async () => {
    expect(await fallback(f.slow!)).toMatch(/faststart/);
    expect(await fallback(f.tall!)).toMatch(/not conforming: short side 720 > 480/);
    expect(await fallback(f.hevc!)).toMatch(/hvc1|hev1/);
    expect(await fallback(f.mpeg4!)).toMatch(/mp4v/);
    expect(await fallback(f.high10!)).toMatch(/chroma 3|profile_idc 244/);
    // under 720p the tall file is fine
    expect('probe' in (await fastProbe(f.tall!, PROFILES['720p']))).toBe(true);
  });

  it('falls back on fragmented and truncated MP4 (ffprobe then flags the cut-off copy)', async () => {
    expect(await fallback(f.frag!)).toMatch(/fragmented|moof|mvex/);
    expect(await fallback(f.trunc!)).toMatch(/truncated/);
    await expect(probeMedia(f.trunc!)).rejects.toMatchObject({ code: 'media.unreadable' });
  });

  it('passes MP3 with its Xing/Info frame count (same duration as ffprobe), falls back on the rest', async () => {
    const r = await fastProbe(f.mp3!, P480);
    expect('probe' in r).toBe(true);
    const fast = (r as { probe: Awaited<ReturnType<typeof probeMedia>> }).probe;
    const slow = await probeMedia(f.mp3!);
    expect(fast).toMatchObject({ kind: 'audio', container: 'mp3', audio: { codec: 'mp3', channels: slow.audio!.channels, sampleRate: slow.audio!.sampleRate } });
    expect(fast.duration).toBeCloseTo(slow.duration!, 2);
    // cut off: fewer bytes than the Info header promises
    const bytes = readFileSync(f.mp3!);
    expect(mp3Decision(bytes.subarray(0, 4096), bytes.length - 2000, P480)).toMatchObject({ fallback: expect.stringMatching(/cut off/) });
    // no sync at the start
    expect(parseMp3Header(new Uint8Array(4096))).toBeNull();
    expect(await fallback(f.avi!)).toMatch(/MP4\/MP3/);
    expect(await fallback(f.wav!)).toMatch(/MP4\/MP3/);
  });
});

describe('ISO-BMFF parser (pure)', () => {
  it('reads only box headers and moov, and finds the track layout', async () => {
    const bytes = readFileSync(f.good!);
    const reads: Array<[number, number]> = [];
    const scan = await scanMp4(async (pos, len) => {
      reads.push([pos, len]);
      return bytes.subarray(pos, Math.min(bytes.length, pos + len));
    }, bytes.length);
    expect(scan).not.toBeNull();
    expect(scan!.boxes.map((b) => b.type).filter((t) => t !== 'free')).toEqual(['ftyp', 'moov', 'mdat']);
    expect(scan!.moovFirst).toBe(true);
    const mdat = scan!.boxes.find((b) => b.type === 'mdat')!;
    expect(reads.every(([pos, len]) => pos + len <= mdat.start + 16 || len <= 16)).toBe(true);
    const movie = parseMoov(scan!.moov!);
    expect(movie.fragmented).toBe(false);
    expect(movie.tracks.map((t) => [t.handler, t.entry?.fourcc])).toEqual([
      ['vide', 'avc1'],
      ['soun', 'mp4a'],
    ]);
    expect(movie.tracks[0]!.entry!.avc!.chromaFormatIdc).toBe(1);
    expect(movie.tracks[1]!.entry).toMatchObject({ objectType: 0x40, audioObjectType: 2 });
  });

  it('is not ISO-BMFF when the first box is no ftyp; malformed moov throws', async () => {
    const avi = readFileSync(f.avi!);
    expect(await scanMp4(async (p, l) => avi.subarray(p, p + l), avi.length)).toBeNull();
    expect(() => parseMoov(new Uint8Array([0, 0, 0, 99, 0x6d, 0x76, 0x68, 0x64]))).toThrow(/bad box sizes/);
  });

  it('parses SPS chroma format and bit depth (High 4:4:4 / High 10 are not 8-bit 4:2:0)', () => {
    // High profile (100), level 3.0, sps id 0, chroma_format_idc 1, 8 bit: bits 1 | 010 | 1 | 1 …
    expect(parseSps(Uint8Array.from([0x67, 100, 0, 30, 0b10101100, 0]))).toMatchObject({ profileIdc: 100, chromaFormatIdc: 1, bitDepthLuma: 8, bitDepthChroma: 8 });
    // High 10 (110), chroma 1, bit_depth_luma_minus8 = 2 (011), chroma minus8 = 2 (011)
    expect(parseSps(Uint8Array.from([0x67, 110, 0, 30, 0b10100110, 0b11000000]))).toMatchObject({ profileIdc: 110, chromaFormatIdc: 1, bitDepthLuma: 10, bitDepthChroma: 10 });
    expect(() => parseSps(Uint8Array.from([0x68, 1, 2, 3]))).toThrow(/not an SPS/);
  });
});
