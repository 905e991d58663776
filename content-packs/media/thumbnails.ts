/**
 * Thumbnails of many videos from ONE ffmpeg process: requests made close together (tpk build asks
 * for every pass-through video's thumbnail while hashing) are collected for a moment and run as one
 * ffmpeg with an input and an output per video, instead of one ffmpeg start-up (~65 ms CPU) per
 * video. Same picture as `makeThumbnail` (keyframe at or before ~10% of the duration, at most 5 s
 * in); a video the batch did not produce a picture for is retried alone by `makeThumbnail`, so one
 * damaged file costs only itself and keeps its own error message. Node 16 APIs only.
 */
import { rename, stat, unlink } from 'node:fs/promises';
import { resolveFfmpeg } from './binaries';
import { run } from './exec';
import type { Semaphore } from './pool';
import { makeThumbnail } from './transcode';

interface ThumbRequest {
  video: string;
  output: string;
  duration?: number;
  width: number;
  signal?: AbortSignal;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function abortError(): Error {
  const err = new Error('Aborted');
  err.name = 'AbortError';
  return err;
}

export class ThumbnailBatcher {
  private pending: ThumbRequest[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** ffmpeg processes started (tests and the bench read it). */
  processes = 0;

  constructor(private readonly options: { maxBatch?: number; idleMs?: number; slots?: Semaphore } = {}) {}

  /** Resolves when `output` holds the JPEG; rejects like `makeThumbnail` (media.thumbnail-failed, AbortError). */
  request(video: string, output: string, options: { duration?: number; width?: number; signal?: AbortSignal } = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(abortError());
        return;
      }
      this.pending.push({
        video,
        output,
        width: options.width ?? 320,
        ...(options.duration !== undefined ? { duration: options.duration } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        resolve,
        reject,
      });
      if (this.pending.length >= (this.options.maxBatch ?? 16)) this.flush();
      else {
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => this.flush(), this.options.idleMs ?? 40);
      }
    });
  }

  /** Start what is queued now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const go = (): Promise<void> => this.runBatch(batch);
    void (this.options.slots ? this.options.slots.run(go) : go());
  }

  private async runBatch(batch: ThumbRequest[]): Promise<void> {
    const live: ThumbRequest[] = [];
    for (const r of batch) {
      if (r.signal?.aborted) r.reject(abortError());
      else live.push(r);
    }
    if (live.length === 0) return;
    const seekOf = (r: ThumbRequest): number => (r.duration && r.duration > 1 ? Math.min(5, r.duration * 0.1) : 0);
    const made = new Set<ThumbRequest>();
    const once = async (group: ThumbRequest[], fromStart: boolean): Promise<string> => {
      const args = ['-hide_banner', '-nostdin', '-y', '-v', 'error'];
      for (const r of group) {
        const seek = fromStart ? 0 : seekOf(r);
        args.push('-threads', '1', ...(seek > 0 ? ['-skip_frame', 'nokey', '-ss', seek.toFixed(2)] : []), '-i', r.video);
      }
      group.forEach((r, i) => {
        args.push('-map', `${i}:v:0`, '-an', '-sn', '-frames:v', '1', '-vf', `scale=${r.width}:-2,format=yuvj420p`, '-q:v', '4', '-f', 'image2', '-c:v', 'mjpeg', `${r.output}.partial`);
      });
      this.processes++;
      // No abort signal for the shared process: one caller's cancel must not fail the others.
      const res = await run(resolveFfmpeg(), args).catch(() => null);
      for (const r of group) if ((await stat(`${r.output}.partial`).catch(() => null))?.size) made.add(r);
      return res?.stderr ?? '';
    };
    const together = async (group: ThumbRequest[], fromStart: boolean): Promise<void> => {
      if (group.length < 2) return;
      const stderr = await once(group, fromStart);
      // ffmpeg gives up on the whole run when one input cannot be opened, naming it: run the rest
      // together once more; the named ones are retried alone below (each with its own error).
      if (!group.some((r) => made.has(r))) {
        const rest = group.filter((r) => !stderr.includes(r.video));
        if (rest.length > 1 && rest.length < group.length) await once(rest, fromStart);
      }
    };
    await together(live, false);
    // like makeThumbnail: no keyframe after the seek point (a short clip) → the first frame
    await together(live.filter((r) => !made.has(r) && seekOf(r) > 0), true);
    await Promise.all(
      live.map(async (r) => {
        const partial = `${r.output}.partial`;
        try {
          if (made.has(r)) {
            await rename(partial, r.output);
            r.resolve();
            return;
          }
          await unlink(partial).catch(() => undefined);
          if (r.signal?.aborted) throw abortError();
          this.processes++;
          await makeThumbnail(r.video, r.output, { width: r.width, ...(r.duration !== undefined ? { duration: r.duration } : {}), ...(r.signal ? { signal: r.signal } : {}) });
          r.resolve();
        } catch (err) {
          r.reject(err);
        }
      }),
    );
  }
}
