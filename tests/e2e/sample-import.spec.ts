import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { e2eState } from './app';
import { unlockTeacher } from './teacher';
import { prerequisite } from '../lib/prerequisites';

const state = e2eState();
const PACK_TITLE = '一年级数学（上册）准备课 · 示例';
const PACK_ID = 'cn.teachpoint.sample.math-g1-up';

interface IndexFile {
  packs: Array<{ id: string; blobs: Array<{ sha256: string; mime: string; size: number }> }>;
}

test.describe('first run: sample packs offered as a USB stick', () => {
  const missing = prerequisite(state.samplePacks.length > 0, 'sample packs', 'run `npm run samples` before the e2e tests');
  test.skip(missing !== null, missing ?? '');

  test('import a sample pack through the UI, then play and seek its video over /media with byte ranges', async ({ page }) => {
    const mediaResponses: Array<{ status: number; contentRange: string | undefined }> = [];
    page.on('response', (res) => {
      if (new URL(res.url()).pathname.startsWith('/media/')) mediaResponses.push({ status: res.status(), contentRange: res.headers()['content-range'] });
    });
    await page.goto(state.appUrl);
    // Importing is a teacher-mode action.
    await unlockTeacher(page);
    await page.goto(`${state.origin}/#/`);

    // The stick (the sample packs folder) with its label, and the pack on it, found by the drives feature.
    const stick = page.getByRole('article', { name: /U 盘：示例资源包 Sample packs/ });
    await expect(stick).toBeVisible();
    const row = stick.getByRole('listitem', { name: PACK_TITLE });
    await expect(row).toContainText('新资源包');
    await row.getByRole('button', { name: '导入' }).click();

    await expect(page.getByText(`导入完成：${PACK_TITLE}（版本 1）。`)).toBeVisible();
    const installed = page.getByRole('list', { name: '已安装的资源包' });
    await expect(installed.getByRole('listitem', { name: PACK_TITLE })).toBeVisible();
    await expect(row).toContainText('已安装');

    // The installed index tells us the video blob (the UI has no lesson player yet).
    const index = JSON.parse(readFileSync(join(state.dataDir, 'packs.json'), 'utf8')) as IndexFile;
    const video = index.packs.find((p) => p.id === PACK_ID)?.blobs.find((b) => b.mime.startsWith('video/'));
    expect(video, 'the sample pack holds a video').toBeTruthy();
    const sha = video!.sha256;

    const played = await page.evaluate(async (sha256) => {
      const token = sessionStorage.getItem('teachpoint.bridgeToken');
      const el = document.createElement('video');
      el.muted = true;
      el.preload = 'auto';
      document.body.append(el);
      const once = (name: string) =>
        new Promise<void>((resolve, reject) => {
          el.addEventListener(name, () => resolve(), { once: true });
          el.addEventListener('error', () => reject(new Error(`video error ${el.error?.code}: ${el.error?.message}`)), { once: true });
        });
      const loaded = once('loadedmetadata');
      el.src = `/media/${sha256}?token=${encodeURIComponent(token ?? '')}`;
      await loaded;
      const target = el.duration * 0.6;
      const seeked = once('seeked');
      el.currentTime = target;
      await seeked;
      return { duration: el.duration, target, currentTime: el.currentTime, width: el.videoWidth, height: el.videoHeight };
    }, sha);
    expect(played.duration).toBeGreaterThan(0);
    expect(played.width).toBeGreaterThan(0);
    expect(Math.abs(played.currentTime - played.target)).toBeLessThan(1);
    // Chromium's media loader asks with Range; the host answers 206 with Content-Range.
    expect(mediaResponses.some((r) => r.status === 206 && /^bytes \d+-\d+\/\d+$/.test(r.contentRange ?? ''))).toBe(true);

    // A mid-file range from the page: exactly the blob's bytes (compared with the store's file).
    const slice = await page.evaluate(async (sha256) => {
      const token = sessionStorage.getItem('teachpoint.bridgeToken') ?? '';
      const res = await fetch(`/media/${sha256}?token=${encodeURIComponent(token)}`, { headers: { Range: 'bytes=1000-1999' } });
      return { status: res.status, range: res.headers.get('content-range'), bytes: Array.from(new Uint8Array(await res.arrayBuffer())) };
    }, sha);
    const blobFile = join(state.dataDir, 'content', sha.slice(0, 2), sha.slice(2, 4), sha);
    expect(slice.status).toBe(206);
    expect(slice.range).toBe(`bytes 1000-1999/${video!.size}`);
    expect(Buffer.from(slice.bytes).equals(readFileSync(blobFile).subarray(1000, 2000))).toBe(true);

    // Without the token the same URL is refused.
    const refused = await page.evaluate(async (sha256) => (await fetch(`/media/${sha256}`)).status, sha);
    expect(refused).toBe(401);
  });
});
