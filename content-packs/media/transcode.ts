/** Running a TranscodePlan with ffmpeg, with progress from `-progress pipe:1`. Node 16 APIs only. */
import { rename, stat, unlink } from 'node:fs/promises';
import { TeachPointError } from '../../common/errors/errors';
import { resolveFfmpeg } from './binaries';
import { run, stderrTail } from './exec';
import type { TranscodePlan } from './plan';

export interface TranscodeProgress {
  /** Seconds of output written so far. */
  outTime: number;
  /** 0..1 when the duration is known. */
  fraction?: number;
  /** Encoding speed relative to real time (ffmpeg's "speed=2.5x"). */
  speed?: number;
  done: boolean;
}

/** Pure: fold one `-progress` key=value line into the running state; returns a report on `progress=…` lines. */
export function parseProgressLine(
  line: string,
  state: { outTime: number; speed?: number },
  duration?: number,
): TranscodeProgress | null {
  const eq = line.indexOf('=');
  if (eq < 0) return null;
  const key = line.slice(0, eq).trim();
  const value = line.slice(eq + 1).trim();
  switch (key) {
    case 'out_time_us':
    case 'out_time_ms': {
      // ffmpeg ≤ 4.x writes microseconds under both names
      const us = Number(value);
      if (Number.isFinite(us) && us >= 0) state.outTime = us / 1e6;
      return null;
    }
    case 'out_time': {
      const m = /^(-?\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(value);
      if (m) {
        const t = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
        if (t >= 0) state.outTime = t;
      }
      return null;
    }
    case 'speed': {
      const s = Number.parseFloat(value);
      if (Number.isFinite(s)) state.speed = s;
      return null;
    }
    case 'progress': {
      const done = value === 'end';
      const report: TranscodeProgress = { outTime: state.outTime, done };
      if (duration && duration > 0) report.fraction = done ? 1 : Math.min(1, state.outTime / duration);
      if (state.speed !== undefined) report.speed = state.speed;
      return report;
    }
    default:
      return null;
  }
}

export interface TranscodeOptions {
  /** Input duration in seconds (from the probe), for progress fractions. */
  duration?: number;
  onProgress?: (p: TranscodeProgress) => void;
  signal?: AbortSignal;
  /** ffmpeg `-threads` (0 = ffmpeg decides). Set to 1–2 when many jobs run in parallel. */
  threads?: number;
}

/**
 * Run `plan` on `input`, writing `output`. The bytes go to `<output>.partial` first and are renamed
 * into place only when ffmpeg succeeded, so a crash never leaves a half file under the real name.
 */
export async function transcode(input: string, output: string, plan: TranscodePlan, options: TranscodeOptions = {}): Promise<void> {
  if (plan.action === 'copy') throw new RangeError('transcode(): plan.action is "copy"; nothing to run');
  const ffmpeg = resolveFfmpeg();
  const partial = `${output}.partial`;
  const state: { outTime: number; speed?: number } = { outTime: 0 };
  const args = [
    '-hide_banner', '-nostdin', '-y', '-v', 'error',
    '-i', input,
    ...(options.threads !== undefined ? ['-threads', String(options.threads)] : []),
    ...plan.args,
    '-progress', 'pipe:1', '-nostats',
    partial,
  ];
  const r = await run(ffmpeg, args, {
    ...(options.signal ? { signal: options.signal } : {}),
    onStdoutLine: (line) => {
      const p = parseProgressLine(line, state, options.duration);
      if (p) options.onProgress?.(p);
    },
  }).catch(async (err: unknown) => {
    await unlink(partial).catch(() => undefined);
    throw err;
  });
  if (r.code !== 0) {
    await unlink(partial).catch(() => undefined);
    const why = stderrTail(r.stderr, 4) || `exit ${r.code ?? r.signal}`;
    throw new TeachPointError(
      'media.transcode-failed',
      {
        zh: `转码失败：${input}（${why}）。文件可能已损坏，请用播放器检查后重新导出。`,
        en: `Transcoding failed: ${input} (${why}). The file may be damaged; check it in a player and export it again.`,
      },
      { file: input, action: plan.action, ffmpeg: why },
    );
  }
  await rename(partial, output);
}

/**
 * A JPEG thumbnail of a video: the keyframe at or before ~10% of the duration (at most 5 s in; only
 * keyframes are decoded, so it is cheap), `width` pixels wide. Falls back to the first frame.
 */
export async function makeThumbnail(
  video: string,
  output: string,
  options: { duration?: number; width?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const ffmpeg = resolveFfmpeg();
  const width = options.width ?? 320;
  const at = options.duration && options.duration > 1 ? Math.min(5, options.duration * 0.1) : 0;
  const partial = `${output}.partial`;
  const attempt = async (seek: number): Promise<boolean> => {
    const r = await run(
      ffmpeg,
      ['-hide_banner', '-nostdin', '-y', '-v', 'error', '-threads', '1', ...(seek > 0 ? ['-skip_frame', 'nokey', '-ss', seek.toFixed(2)] : []), '-i', video, '-map', '0:v:0', '-an', '-sn', '-frames:v', '1', '-vf', `scale=${width}:-2,format=yuvj420p`, '-q:v', '4', '-f', 'image2', '-c:v', 'mjpeg', partial],
      options.signal ? { signal: options.signal } : {},
    );
    if (r.code !== 0) return false;
    try {
      return (await stat(partial)).size > 0;
    } catch {
      return false;
    }
  };
  const ok = (await attempt(at)) || (at > 0 && (await attempt(0)));
  if (!ok) {
    await unlink(partial).catch(() => undefined);
    throw new TeachPointError(
      'media.thumbnail-failed',
      { zh: `无法为视频生成缩略图：${video}。视频可能已损坏。`, en: `Could not make a thumbnail of ${video}. The video may be damaged.` },
      { file: video },
    );
  }
  await rename(partial, output);
}
