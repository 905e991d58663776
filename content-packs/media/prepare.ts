/**
 * The media pipeline for ONE file — input file → playable output file + its probe (+ thumbnail):
 * probe → plan → (copy | remux | transcode) → thumbnail, through the transcode cache.
 * Used by `tpk build` for every media file and (later) by the device for teachers' own files.
 * Node 16 APIs only.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TeachPointError } from '../../common/errors/errors';
import { hashFile } from '../node/hash-file';
import { cacheKey, type TranscodeCache } from './cache';
import { planTranscode, type MediaProfile, type TranscodePlan } from './plan';
import { fastProbe } from './fast-probe';
import { probeMedia, type ProbeResult } from './probe';
import { makeThumbnail, transcode, type TranscodeProgress } from './transcode';
import type { Semaphore } from './pool';

export interface PreparedMedia {
  input: string;
  /** The playable file: `input` itself for 'copy', else a file in the cache or work dir. */
  output: string;
  plan: TranscodePlan;
  /** Probe of the input. */
  sourceProbe: ProbeResult;
  /** Probe of the output (same as sourceProbe for 'copy'). */
  probe: ProbeResult;
  /** JPEG thumbnail (videos only, when asked). */
  thumbnail?: string;
  fromCache: boolean;
}

export interface PrepareOptions {
  profile: MediaProfile;
  /** Where outputs go when there is no cache (caller removes it). */
  workDir: string;
  cache?: TranscodeCache | null;
  /** sha256 hex of the input, when the caller already has it (saves one read). */
  inputSha256?: string;
  /** Make a thumbnail for videos (default true). */
  thumbnail?: boolean;
  audioFormat?: 'aac' | 'mp3';
  threads?: number;
  /** Probe of the input, when the caller already has it (e.g. probed while hashing). */
  sourceProbe?: ProbeResult;
  /**
   * A thumbnail of the input already being made by the caller (started while the input was hashed);
   * used when the plan is 'copy' instead of making another one. The file is moved into the cache.
   */
  earlyThumbnail?: Promise<string>;
  /** Bounds concurrent ffmpeg encodes (remux/transcode); probes and thumbnails are not counted. */
  transcodeSlots?: Semaphore;
  onProgress?: (p: TranscodeProgress) => void;
  signal?: AbortSignal;
}

interface CachedMeta {
  plan: TranscodePlan;
  sourceProbe: ProbeResult;
  probe: ProbeResult;
  output: string | null;
  thumbnail: string | null;
}

export { hashFile, sameStamp, type FileStamp } from '../node/hash-file';

export async function sha256File(file: string): Promise<string> {
  return (await hashFile(file)).sha256;
}

export async function prepareMedia(input: string, options: PrepareOptions): Promise<PreparedMedia> {
  const wantThumb = options.thumbnail !== false;
  const cache = options.cache ?? null;
  const extra = `${options.audioFormat ?? 'aac'}|thumb=${wantThumb}`;
  let key: string | null = null;
  if (cache) {
    const sha = options.inputSha256 ?? (await sha256File(input));
    key = cacheKey(sha, options.profile, extra);
    const hit = await cache.get<CachedMeta>(key);
    if (hit) {
      const m = hit.meta;
      const result: PreparedMedia = {
        input,
        output: m.output ? hit.path(m.output) : input,
        plan: m.plan,
        sourceProbe: m.sourceProbe,
        probe: m.probe,
        fromCache: true,
      };
      if (m.thumbnail) result.thumbnail = hit.path(m.thumbnail);
      options.onProgress?.({ outTime: m.probe.duration ?? 0, fraction: 1, done: true });
      return result;
    }
  }

  const signalOpt = options.signal ? { signal: options.signal } : {};
  let sourceProbe = options.sourceProbe;
  if (!sourceProbe) {
    // already-conforming MP4/MP3: known from its headers; anything else (or unsure): ffprobe
    const fast = options.audioFormat === 'mp3' ? null : await fastProbe(input, options.profile).catch(() => null);
    sourceProbe = fast && 'probe' in fast ? fast.probe : await probeMedia(input, signalOpt);
  }
  const plan = planTranscode(sourceProbe, options.profile, options.audioFormat ? { audioFormat: options.audioFormat } : {});
  const scratch = join(options.workDir, `m-${randomBytes(6).toString('hex')}`);
  await mkdir(scratch, { recursive: true });
  try {
    let output = input;
    let probe = sourceProbe;
    if (plan.action !== 'copy') {
      output = join(scratch, `out.${plan.ext}`);
      const topts = {
        ...signalOpt,
        ...(sourceProbe.duration !== undefined ? { duration: sourceProbe.duration } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
      };
      const encode = async (): Promise<void> => {
        try {
          await transcode(input, output, plan, topts);
        } catch (err) {
          if (plan.action !== 'remux' || (err as Error).name === 'AbortError') throw err;
          // some containers (AVI/FLV with H.264) have no usable timestamps to copy: re-encode instead
          const forced = planTranscode(sourceProbe, options.profile, { forceTranscode: true, ...(options.audioFormat ? { audioFormat: options.audioFormat } : {}) });
          Object.assign(plan, forced, { reasons: [...plan.reasons, 'remux failed'] });
          await transcode(input, output, plan, topts);
        }
      };
      await (options.transcodeSlots ? options.transcodeSlots.run(encode) : encode());
      probe = await probeMedia(output, signalOpt);
    } else {
      options.onProgress?.({ outTime: sourceProbe.duration ?? 0, fraction: 1, done: true });
    }
    let thumbnail: string | undefined;
    if (wantThumb && plan.kind === 'video') {
      if (plan.action === 'copy' && options.earlyThumbnail) {
        thumbnail = await options.earlyThumbnail;
      } else {
        thumbnail = join(scratch, 'thumb.jpg');
        await makeThumbnail(output, thumbnail, { ...signalOpt, width: options.profile.thumbnailWidth, ...(probe.duration !== undefined ? { duration: probe.duration } : {}) });
      }
    }
    if (cache && key) {
      const files: Array<{ name: string; from: string }> = [];
      if (output !== input) files.push({ name: `out.${plan.ext}`, from: output });
      if (thumbnail) files.push({ name: 'thumb.jpg', from: thumbnail });
      const meta: CachedMeta = { plan, sourceProbe, probe, output: output !== input ? `out.${plan.ext}` : null, thumbnail: thumbnail ? 'thumb.jpg' : null };
      const entry = await cache.put(key, meta, files, { move: true });
      await rm(scratch, { recursive: true, force: true });
      const result: PreparedMedia = { input, output: meta.output ? entry.path(meta.output) : input, plan, sourceProbe, probe, fromCache: false };
      if (thumbnail) result.thumbnail = entry.path('thumb.jpg');
      return result;
    }
    const result: PreparedMedia = { input, output, plan, sourceProbe, probe, fromCache: false };
    if (thumbnail) result.thumbnail = thumbnail;
    return result;
  } catch (err) {
    await rm(scratch, { recursive: true, force: true });
    if (err instanceof TeachPointError || (err as Error).name === 'AbortError') throw err;
    throw new TeachPointError(
      'media.transcode-failed',
      { zh: `处理媒体文件失败：${input}（${(err as Error).message}）。`, en: `Processing media failed: ${input} (${(err as Error).message}).` },
      { file: input },
    );
  }
}
