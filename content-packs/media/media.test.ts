import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextEncoder } from 'node:util';
import { ffprobeJson, makeAvi, makeBmp, makeJpeg, makeMkv, makeMp3, makeMp4, makePng, makeWav } from '../../tests/fixtures/tiny-media';
import {
  PROFILES,
  TranscodeCache,
  decodeText,
  fitShortSide,
  mp4Layout,
  parseProgressLine,
  planTranscode,
  prepareMedia,
  probeMedia,
  resolveFfmpeg,
  resolveFfprobe,
  srtToVtt,
  mapSettled,
  parseStillImageHeader,
  type ProbeResult,
} from './index';

const P480 = PROFILES['480p'];
const P720 = PROFILES['720p'];

function video(over: Partial<ProbeResult> & { v?: Partial<NonNullable<ProbeResult['video']>>; a?: ProbeResult['audio'] | null } = {}): ProbeResult {
  const { v, a, ...rest } = over;
  const p: ProbeResult = {
    kind: 'video',
    container: 'mov,mp4,m4a,3gp,3g2,mj2',
    brand: 'isom',
    size: 1000,
    duration: 10,
    bitRate: 800_000,
    moovFirst: true,
    video: { codec: 'h264', profile: 'High', pixFmt: 'yuv420p', width: 854, height: 480, rotation: 0, fps: 25, ...v },
    audio: { codec: 'aac', profile: 'LC', channels: 2, sampleRate: 44100 },
    ...rest,
  };
  if (a === null) delete p.audio;
  else if (a) p.audio = a;
  return p;
}

describe('planTranscode (pure)', () => {
  it('passes conforming H.264/AAC MP4 through', () => {
    expect(planTranscode(video(), P480)).toMatchObject({ action: 'copy', ext: 'mp4', mime: 'video/mp4', args: [] });
    expect(planTranscode(video({ a: null }), P480).action).toBe('copy');
  });
  it('moves moov to the front when it is at the end', () => {
    const plan = planTranscode(video({ moovFirst: false }), P480);
    expect(plan.action).toBe('remux');
    expect(plan.args).toEqual(expect.arrayContaining(['-c:v', 'copy', '-movflags', '+faststart']));
  });
  it('remuxes H.264/AAC from MKV/FLV, transcodes AVI/WMV/RMVB codecs', () => {
    expect(planTranscode(video({ container: 'matroska,webm' }), P480).action).toBe('remux');
    expect(planTranscode(video({ container: 'flv' }), P480).action).toBe('remux');
    for (const [container, codec] of [['avi', 'mpeg4'], ['asf', 'wmv3'], ['rm', 'rv40'], ['matroska,webm', 'hevc'], ['mov,mp4,m4a,3gp,3g2,mj2', 'hevc']]) {
      const plan = planTranscode(video({ container: container!, v: { codec: codec! } }), P480);
      expect(plan.action, `${container}/${codec}`).toBe('transcode');
      expect(plan.args).toEqual(expect.arrayContaining(['-c:v', 'libx264', '-c:a', 'aac', '-movflags', '+faststart']));
      expect(plan.reasons.join()).toContain(`video codec ${codec}`);
    }
  });
  it('scales down above the profile height, keeping the aspect ratio and even sizes', () => {
    const plan = planTranscode(video({ v: { width: 1920, height: 1080 } }), P480);
    expect(plan).toMatchObject({ action: 'transcode', width: 854, height: 480 });
    expect(plan.args.join(' ')).toContain('scale=854:480');
    expect(planTranscode(video({ v: { width: 1280, height: 720 } }), P720).action).toBe('copy');
    expect(planTranscode(video({ v: { width: 1920, height: 1080 } }), P720)).toMatchObject({ width: 1280, height: 720 });
    // portrait phone video with rotation metadata: displayed 1080x1920 → 480 wide
    expect(planTranscode(video({ v: { width: 1920, height: 1080, rotation: 90 } }), P480)).toMatchObject({ width: 480, height: 854 });
    expect(fitShortSide(640, 360, 480)).toEqual({ width: 640, height: 360, scaled: false });
  });
  it('transcodes 10-bit, 60 fps, odd audio and huge bit rates', () => {
    expect(planTranscode(video({ v: { pixFmt: 'yuv420p10le', profile: 'High 10' } }), P480).action).toBe('transcode');
    const fps = planTranscode(video({ v: { fps: 60 } }), P480);
    expect(fps.action).toBe('transcode');
    expect(fps.args.join(' ')).toContain('fps=30');
    expect(planTranscode(video({ a: { codec: 'ac3', channels: 6 } }), P480).action).toBe('transcode');
    expect(planTranscode(video({ bitRate: 8_000_000 }), P480).action).toBe('transcode');
    expect(planTranscode(video({ brand: 'qt  ' }), P480).action).toBe('remux');
  });
  it('keeps MP3 and AAC audio, transcodes the rest to AAC (or MP3 on request)', () => {
    const audio = (container: string, codec: string): ProbeResult => ({ kind: 'audio', container, size: 1, duration: 3, audio: { codec } });
    expect(planTranscode(audio('mp3', 'mp3'), P480)).toMatchObject({ action: 'copy', ext: 'mp3', mime: 'audio/mpeg' });
    expect(planTranscode(audio('mov,mp4,m4a,3gp,3g2,mj2', 'aac'), P480)).toMatchObject({ action: 'copy', ext: 'm4a' });
    expect(planTranscode(audio('wav', 'pcm_s16le'), P480)).toMatchObject({ action: 'transcode', ext: 'm4a', mime: 'audio/mp4' });
    expect(planTranscode(audio('asf', 'wmav2'), P480, { audioFormat: 'mp3' })).toMatchObject({ action: 'transcode', ext: 'mp3' });
  });
  it('keeps web images, converts BMP/TIFF and scales huge pictures', () => {
    const image = (codec: string, w = 800, h = 600): ProbeResult => ({ kind: 'image', container: 'image2', size: 1, video: { codec, width: w, height: h, rotation: 0 } });
    expect(planTranscode(image('png'), P480)).toMatchObject({ action: 'copy', ext: 'png' });
    expect(planTranscode(image('mjpeg'), P480)).toMatchObject({ action: 'copy', ext: 'jpg', mime: 'image/jpeg' });
    expect(planTranscode(image('bmp'), P480)).toMatchObject({ action: 'transcode', ext: 'png' });
    expect(planTranscode(image('mjpeg', 6000, 4000), P480)).toMatchObject({ action: 'transcode', ext: 'jpg', width: 2560, height: 1707 });
  });
});

describe('small pure helpers', () => {
  it('parses ffmpeg -progress output', () => {
    const state = { outTime: 0 };
    const lines = ['frame=10', 'out_time_us=2500000', 'out_time=00:00:02.500000', 'speed=3.1x', 'progress=continue', 'out_time_ms=5000000', 'progress=end'];
    const reports = lines.map((l) => parseProgressLine(l, state, 5)).filter(Boolean);
    expect(reports).toEqual([
      { outTime: 2.5, fraction: 0.5, speed: 3.1, done: false },
      { outTime: 5, fraction: 1, speed: 3.1, done: true },
    ]);
  });
  it('converts SRT to VTT and decodes GBK / BOM text', () => {
    expect(srtToVtt('\uFEFF1\r\n00:00:01,000 --> 00:00:02,500\r\n你好\r\n')).toBe('WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500\n你好\n');
    const gbk = Buffer.from([0xc4, 0xe3, 0xba, 0xc3]); // 你好 in GBK
    expect(decodeText(gbk)).toEqual({ text: '你好', encoding: 'gbk', bom: false });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(new TextEncoder().encode('你好'))]);
    expect(decodeText(bom)).toEqual({ text: '你好', encoding: 'utf-8', bom: true });
  });
  it('mapSettled keeps order, bounds concurrency and keeps going after failures', async () => {
    let inFlight = 0;
    let peak = 0;
    const r = await mapSettled([1, 2, 3, 4, 5, 6], async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((res) => setTimeout(res, 5));
      inFlight--;
      if (n === 3) throw new Error('three');
      return n * 2;
    }, 2);
    expect(peak).toBeLessThanOrEqual(2);
    expect(r.map((x) => (x.status === 'fulfilled' ? x.value : 'err'))).toEqual([2, 4, 'err', 8, 10, 12]);
  });
});

describe('ffmpeg/ffprobe resolution', () => {
  it('finds both binaries and honours FFMPEG_PATH', () => {
    expect(statSync(resolveFfmpeg()).isFile()).toBe(true);
    expect(statSync(resolveFfprobe()).isFile()).toBe(true);
    const saved = process.env.FFMPEG_PATH;
    try {
      process.env.FFMPEG_PATH = '/nonexistent/ffmpeg';
      expect(() => resolveFfmpeg()).toThrow(/FFMPEG_PATH/);
      try {
        resolveFfmpeg();
      } catch (err) {
        expect((err as { code: string }).code).toBe('media.ffmpeg-missing');
      }
      process.env.FFMPEG_PATH = resolveFfprobe(); // any executable is taken as given
      expect(resolveFfmpeg()).toBe(resolveFfprobe());
    } finally {
      if (saved === undefined) delete process.env.FFMPEG_PATH;
      else process.env.FFMPEG_PATH = saved;
    }
  });
});

describe('probe, transcode, thumbnail, cache (real ffmpeg)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tp-media-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('transcodes a tiny AVI to H.264/AAC MP4 with faststart and a JPEG thumbnail, then hits the cache', async () => {
    const avi = makeAvi(join(dir, 'lesson.avi'));
    const cache = new TranscodeCache(join(dir, 'cache'));
    const progress: number[] = [];
    const first = await prepareMedia(avi, { profile: P480, workDir: join(dir, 'work'), cache, onProgress: (p) => p.fraction !== undefined && progress.push(p.fraction) });
    expect(first.fromCache).toBe(false);
    expect(first.plan.action).toBe('transcode');
    expect(first.sourceProbe).toMatchObject({ kind: 'video', container: 'avi' });
    const out = ffprobeJson(first.output);
    expect(String(out.format.format_name)).toContain('mp4');
    expect(out.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(await mp4Layout(first.output)).toEqual({ truncated: false, moovFirst: true });
    expect(first.probe).toMatchObject({ kind: 'video', moovFirst: true, video: { codec: 'h264', width: 160, height: 120 } });
    expect(progress.at(-1)).toBe(1);
    const thumb = readFileSync(first.thumbnail!);
    expect([thumb[0], thumb[1]]).toEqual([0xff, 0xd8]); // JPEG SOI

    const again = await prepareMedia(avi, { profile: P480, workDir: join(dir, 'work'), cache });
    expect(again.fromCache).toBe(true);
    expect(again.output).toBe(first.output);
    expect(readFileSync(again.output).equals(readFileSync(first.output))).toBe(true);
    // a different profile is a different cache key
    const p720 = await prepareMedia(avi, { profile: P720, workDir: join(dir, 'work'), cache });
    expect(p720.fromCache).toBe(false);
  });

  it('passes a conforming MP4 through untouched and remuxes MKV / no-faststart MP4', async () => {
    const mp4 = makeMp4(join(dir, 'ok.mp4'));
    const ok = await prepareMedia(mp4, { profile: P480, workDir: join(dir, 'work') });
    expect(ok.plan.action).toBe('copy');
    expect(ok.output).toBe(mp4);
    const mkv = await prepareMedia(makeMkv(join(dir, 'a.mkv')), { profile: P480, workDir: join(dir, 'work'), thumbnail: false });
    expect(mkv.plan.action).toBe('remux');
    expect(mkv.probe).toMatchObject({ moovFirst: true, video: { codec: 'h264' } });
    expect(mkv.thumbnail).toBeUndefined();
    const late = await prepareMedia(makeMp4(join(dir, 'late.mp4'), { faststart: false }), { profile: P480, workDir: join(dir, 'work'), thumbnail: false });
    expect(late.sourceProbe.moovFirst).toBe(false);
    expect(late.plan.action).toBe('remux');
    expect(late.probe.moovFirst).toBe(true);
  });

  it('handles audio and images', async () => {
    const wav = await prepareMedia(makeWav(join(dir, 'a.wav')), { profile: P480, workDir: join(dir, 'work') });
    expect(wav).toMatchObject({ plan: { action: 'transcode', ext: 'm4a' }, probe: { kind: 'audio', audio: { codec: 'aac' } } });
    const mp3 = await prepareMedia(makeMp3(join(dir, 'a.mp3')), { profile: P480, workDir: join(dir, 'work') });
    expect(mp3).toMatchObject({ plan: { action: 'copy' }, probe: { kind: 'audio' } });
    const png = await prepareMedia(makePng(join(dir, 'a.png')), { profile: P480, workDir: join(dir, 'work') });
    expect(png).toMatchObject({ plan: { action: 'copy', ext: 'png' }, probe: { kind: 'image', video: { width: 64, height: 48 } } });
    const bmp = await prepareMedia(makeBmp(join(dir, 'a.bmp')), { profile: P480, workDir: join(dir, 'work') });
    expect(bmp).toMatchObject({ plan: { action: 'transcode', ext: 'png' }, probe: { kind: 'image' } });
  });

  it('reads PNG/JPEG sizes from their headers (same answer as ffprobe) and notices a cut-off JPEG', async () => {
    const jpg = makeJpeg(join(dir, 'p.jpg'), 96, 72);
    const png = makePng(join(dir, 'p.png'), 50, 30);
    expect(await probeMedia(jpg)).toMatchObject({ kind: 'image', video: { codec: 'mjpeg', width: 96, height: 72 } });
    expect(await probeMedia(png)).toMatchObject({ kind: 'image', video: { codec: 'png', width: 50, height: 30 } });
    const viaFfprobe = ffprobeJson(jpg).streams[0]!;
    expect([viaFfprobe.width, viaFfprobe.height]).toEqual([96, 72]);
    const cut = join(dir, 'cut.jpg');
    copyFileSync(jpg, cut);
    truncateSync(cut, statSync(cut).size - 100);
    await expect(probeMedia(cut)).rejects.toMatchObject({ code: 'media.unreadable', details: { truncated: true } });
    expect(parseStillImageHeader(new Uint8Array([1, 2, 3]), new Uint8Array())).toBeNull();
  });

  it('rejects corrupt and truncated media with media.unreadable', async () => {
    const junk = join(dir, 'junk.mp4');
    writeFileSync(junk, Buffer.from('this is not a video at all, 这不是视频'));
    await expect(probeMedia(junk)).rejects.toMatchObject({ code: 'media.unreadable', details: { file: junk } });
    const cut = join(dir, 'cut.mp4');
    copyFileSync(makeMp4(join(dir, 'whole.mp4'), { seconds: 1 }), cut);
    truncateSync(cut, Math.floor(statSync(cut).size * 0.6));
    await expect(probeMedia(cut)).rejects.toMatchObject({ code: 'media.unreadable' });
    await expect(probeMedia(join(dir, 'missing.mp4'))).rejects.toMatchObject({ code: 'media.unreadable' });
  });
});
