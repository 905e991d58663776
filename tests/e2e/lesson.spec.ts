import { expect, test } from '@playwright/test';
import { e2eState, screenshotPath } from './app';
import { unlockTeacher } from './teacher';
import { prerequisite } from '../lib/prerequisites';

const state = e2eState();
const PACK_TITLE = '三年级语文（上册）第一单元 · 示例';

test.describe('journey 3: a teacher opens a lesson and projects it', () => {
  const missing = prerequisite(state.samplePacks.length > 0, 'sample packs', 'run `npm run samples` before the e2e tests');
  test.skip(missing !== null, missing ?? '');

  test('import a sample pack, browse to a lesson, play and seek its video, do an exercise', async ({ page }) => {
    const mediaResponses: Array<{ status: number; path: string; contentRange: string | undefined }> = [];
    page.on('response', (res) => {
      const url = new URL(res.url());
      if (url.pathname.startsWith('/media/')) mediaResponses.push({ status: res.status(), path: url.pathname, contentRange: res.headers()['content-range'] });
    });
    const cspViolations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    await page.goto(state.appUrl);
    // Importing is a teacher-mode action.
    await unlockTeacher(page);
    await page.goto(`${state.origin}/#/`);

    // Import through the UI (the stick is the sample packs folder); another spec may have done it already.
    const stick = page.getByRole('article', { name: /U 盘：示例资源包 Sample packs/ });
    const row = stick.getByRole('listitem', { name: PACK_TITLE });
    await expect(row).toBeVisible();
    const importButton = row.getByRole('button', { name: '导入' });
    if (await importButton.isVisible()) {
      await importButton.click();
      await expect(page.getByText(`导入完成：${PACK_TITLE}（版本 1）。`)).toBeVisible();
    }
    await expect(row).toContainText('已安装');

    // Lessons appear: browse 学段 … 单元 to the lesson.
    const lessons = page.getByRole('region', { name: '课程' });
    const subject = lessons.getByRole('group', { name: '选择学科' });
    if (await subject.isVisible().catch(() => false)) await subject.getByRole('button', { name: /语文/ }).click();
    const list = lessons.getByRole('list', { name: '课程列表' });
    await expect(list.getByRole('link', { name: /花的学校/ })).toBeVisible();
    await expect(lessons.getByRole('navigation', { name: '课程目录位置' })).toContainText('第一单元');
    await list.getByRole('link', { name: /花的学校/ }).click();

    await expect(page).toHaveURL(/#\/lesson\/cn\.teachpoint\.sample\.chinese-g3-up\/l-/);
    await expect(page.getByRole('heading', { level: 1, name: /花的学校/ })).toBeVisible();
    const resources = page.getByRole('list', { name: '本课资源' });
    await expect(resources.getByRole('button', { name: /花的学校（朗读）/ })).toHaveAttribute('aria-pressed', 'true');

    // The video: plays from /media, poster + subtitles track, and seeking works (206 byte ranges).
    const video = page.locator('video.viewer-video');
    await expect(video).toHaveAttribute('poster', /\/media\/[0-9a-f]{64}\?token=/);
    await expect(video.locator('track[kind="subtitles"]')).toHaveCount(1);
    const played = await video.evaluate(async (el: HTMLVideoElement) => {
      el.muted = true;
      if (el.readyState < 1) await new Promise((r) => el.addEventListener('loadedmetadata', r, { once: true }));
      await el.play();
      const target = el.duration * 0.6;
      const seeked = new Promise((r) => el.addEventListener('seeked', r, { once: true }));
      el.currentTime = target;
      await seeked;
      el.pause();
      const track = el.textTracks[0];
      return { duration: el.duration, target, currentTime: el.currentTime, width: el.videoWidth, track: track ? { kind: track.kind, language: track.language } : null };
    });
    expect(played.duration).toBeGreaterThan(0);
    expect(played.width).toBeGreaterThan(0);
    expect(Math.abs(played.currentTime - played.target)).toBeLessThan(1);
    expect(played.track).toEqual({ kind: 'subtitles', language: 'zh-CN' });
    expect(mediaResponses.some((r) => r.status === 206 && /^bytes \d+-\d+\/\d+$/.test(r.contentRange ?? ''))).toBe(true);
    await expect(page.getByRole('button', { name: '课堂模式（F）' })).toBeVisible();

    // The screenshot of a lesson on the projector.
    await page.screenshot({ path: screenshotPath('lesson-zh-CN.png'), fullPage: true });

    // The exercise set opens, but nobody is signed in on this PC: answers are refused with a prompt
    // to pick a name (issue 7) and nothing is recorded. Answering under a signed-in child, mastery
    // and the teacher's report are journey 4 (tests/e2e/journey-classroom.spec.ts).
    await resources.getByRole('button', { name: /花的学校 练习/ }).click();
    const runner = page.getByRole('region', { name: '练习题' });
    await expect(runner.getByRole('alert')).toContainText('先选你的名字，再做练习。');
    await expect(runner.getByRole('radio', { name: '印度' })).toBeDisabled();
    await expect(runner.getByRole('button', { name: '提交答案' })).toHaveCount(0);
    const eventCount = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('teachpoint');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const req = db.transaction('events', 'readonly').objectStore('events').count();
            req.onsuccess = () => {
              resolve(req.result);
              db.close();
            };
          };
        }),
    );
    expect(eventCount).toBe(0);
    expect(cspViolations).toEqual([]);
  });

  test('the PDF of a lesson is drawn by pdf.js from /media bytes, with no token in any link', async ({ page }) => {
    const cspViolations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text()) && !/font-src|data:font/i.test(msg.text())) cspViolations.push(msg.text());
    });
    const pdfResponse = page.waitForResponse((r) => /\/media\/[0-9a-f]{64}/.test(r.url()) && r.request().method() === 'GET' && (r.headers()['content-type'] ?? '') === 'application/pdf');
    await page.goto(state.appUrl);
    const lessons = page.getByRole('region', { name: '课程' });
    const subject = lessons.getByRole('group', { name: '选择学科' });
    if (await subject.isVisible().catch(() => false)) await subject.getByRole('button', { name: /语文/ }).click();
    await lessons.getByRole('list', { name: '课程列表' }).getByRole('link', { name: /大青树下的小学/ }).click();
    await page.getByRole('list', { name: '本课资源' }).getByRole('button', { name: /生字卡/ }).click();
    const res = await pdfResponse;
    expect([200, 206]).toContain(res.status());
    // Drawn on a canvas by pdf.js (Chromium's own viewer opened at 42% with a sidebar on a projector).
    await expect.poll(() => page.locator('canvas.pdf-canvas').evaluate((c: HTMLCanvasElement) => Number(c.dataset.rendered))).toBeGreaterThan(0);
    await expect(page.getByTestId('pdf-page')).toContainText('1');
    // No link on the page carries the bridge token (the old "open in new tab" link did).
    const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(hrefs.filter((h) => /token=/.test(h))).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  test('我的资料: upload a picture in the browser, attach it to a lesson, it shows there; remove it', async ({ page }) => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await page.goto(state.appUrl);
    // Adding, attaching and removing teachers' files are teacher-mode actions.
    await unlockTeacher(page);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的资料' }).click();
    await expect(page.getByRole('heading', { level: 1, name: '我的资料' })).toBeVisible();
    await page.getByLabel('选择要上传的文件').setInputFiles({ name: '黑板报.png', mimeType: 'image/png', buffer: png });
    await expect(page.getByText('已添加：黑板报')).toBeVisible();
    const item = page.getByRole('list', { name: '我的资料列表' }).getByRole('listitem', { name: '黑板报' });
    await expect(item).toContainText('还没有挂到课程上');

    // A file the app cannot use: a clear bilingual refusal, nothing added.
    await page.getByLabel('选择要上传的文件').setInputFiles({ name: '教案.docx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK') });
    await expect(page.getByRole('alert')).toContainText('不支持这种文件');
    await expect(page.getByRole('alert')).toContainText('错误代码：materials.unsupported-type');
    await expect(page.getByRole('list', { name: '我的资料列表' }).getByRole('listitem')).toHaveCount(1);

    // Attach it on a lesson page; it is listed with the lesson's own resources and shows as a picture.
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '资源库' }).click();
    const lessons = page.getByRole('region', { name: '课程' });
    const subject = lessons.getByRole('group', { name: '选择学科' });
    if (await subject.isVisible().catch(() => false)) await subject.getByRole('button', { name: /语文/ }).click();
    await lessons.getByRole('list', { name: '课程列表' }).getByRole('link', { name: /花的学校/ }).click();
    await page.getByRole('combobox', { name: '选择要挂到本课的资料' }).selectOption({ label: '黑板报' });
    await page.getByRole('button', { name: '挂到本课' }).click();
    const resources = page.getByRole('list', { name: '本课资源' });
    await resources.getByRole('button', { name: /黑板报/ }).click();
    const img = page.locator('img.viewer-image');
    await expect(img).toHaveAttribute('alt', '黑板报');
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);

    // Remove it from 我的资料 (second confirmation); the lesson no longer lists it.
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的资料' }).click();
    await expect(item).toContainText('挂在 1 节课上');
    await item.getByRole('button', { name: '删除' }).click();
    await item.getByRole('button', { name: '确定删除' }).click();
    await expect(page.getByText('还没有资料。')).toBeVisible();
  });
});
