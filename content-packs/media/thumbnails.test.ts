import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobeJson, makeMp4 } from '../../tests/fixtures/tiny-media';
import { ThumbnailBatcher } from './thumbnails';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp-thumbs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ThumbnailBatcher', () => {
  it('makes the thumbnails of videos asked for together in one ffmpeg run; a damaged video fails alone', async () => {
    const videos = [0, 1, 2].map((i) => makeMp4(join(dir, `v${i}.mp4`), { w: 160 + 32 * i, h: 120, seconds: 1, seed: i }));
    const damaged = join(dir, 'damaged.mp4');
    writeFileSync(damaged, 'not a video at all');
    const batcher = new ThumbnailBatcher({ idleMs: 20 });
    const outs = videos.map((_, i) => join(dir, `t${i}.jpg`));
    const results = await Promise.allSettled([
      ...videos.map((v, i) => batcher.request(v, outs[i]!, { width: 96, duration: 1 })),
      batcher.request(damaged, join(dir, 'bad.jpg'), { width: 96, duration: 1 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(((results[3] as PromiseRejectedResult).reason as { code?: string }).code).toBe('media.thumbnail-failed');
    // ffmpeg refuses the whole run when one input cannot be opened (and names it): the other three
    // are made together by a second process, the damaged one is tried alone for its own error
    expect(batcher.processes).toBe(3);
    for (const o of outs) {
      const s = ffprobeJson(o).streams[0]!;
      expect([s['codec_name'], s['width']]).toEqual(['mjpeg', 96]);
    }
    expect(existsSync(join(dir, 'bad.jpg'))).toBe(false);
    expect(existsSync(join(dir, 'bad.jpg.partial'))).toBe(false);
  });

  it('three good videos: one ffmpeg process; clips too short for the seek get their first frame from one more', async () => {
    const videos = [3, 4, 5].map((i) => makeMp4(join(dir, `g${i}.mp4`), { seconds: 1, seed: i }));
    const batcher = new ThumbnailBatcher({ idleMs: 20 });
    await Promise.all(videos.map((v, i) => batcher.request(v, join(dir, `g${i}.jpg`), { width: 64, duration: 1 })));
    expect(batcher.processes).toBe(1);
    const short = new ThumbnailBatcher({ idleMs: 20 });
    // duration 3 → seek 0.3 s with keyframes only: a 1 s clip has no keyframe after it
    await Promise.all(videos.map((v, i) => short.request(v, join(dir, `s${i}.jpg`), { width: 64, duration: 3 })));
    expect(short.processes).toBe(2);
    for (let i = 0; i < 3; i++) expect(ffprobeJson(join(dir, `s${i}.jpg`)).streams[0]!['width']).toBe(64);
    for (let i = 0; i < 3; i++) expect(ffprobeJson(join(dir, `g${i}.jpg`)).streams[0]!['width']).toBe(64);
  });

  it('a request cancelled before its batch runs is rejected with AbortError and not made', async () => {
    const v = makeMp4(join(dir, 'c.mp4'), { seconds: 1 });
    const batcher = new ThumbnailBatcher({ idleMs: 20 });
    const ac = new AbortController();
    const p = batcher.request(v, join(dir, 'c.jpg'), { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(existsSync(join(dir, 'c.jpg'))).toBe(false);
    expect(batcher.processes).toBe(0);
  });
});
