import { expect, test, type Page } from '@playwright/test';
import { e2eState, screenshotPath } from './app';
import { unlockTeacher } from './teacher';
import { prerequisite } from '../lib/prerequisites';

const state = e2eState();
const PACK_TITLE = '三年级语文（上册）第一单元 · 示例';

/** The sample Chinese pack installed (another spec may have imported it already). */
async function ensureChinesePack(page: Page) {
  await unlockTeacher(page);
  await page.goto(`${state.origin}/#/`);
  const stick = page.getByRole('article', { name: /U 盘：示例资源包 Sample packs/ });
  const row = stick.getByRole('listitem', { name: PACK_TITLE });
  await expect(row).toBeVisible();
  const importButton = row.getByRole('button', { name: '导入' });
  if (await importButton.isVisible()) {
    await importButton.click();
    await expect(page.getByText(`导入完成：${PACK_TITLE}（版本 1）。`)).toBeVisible();
  }
  await expect(row).toContainText('已安装');
}

async function openLesson(page: Page, name: RegExp) {
  await page.goto(`${state.origin}/#/`);
  const lessons = page.getByRole('region', { name: '课程' });
  const subject = lessons.getByRole('group', { name: '选择学科' });
  if (await subject.isVisible().catch(() => false)) await subject.getByRole('button', { name: /语文/ }).click();
  await lessons.getByRole('list', { name: '课程列表' }).getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

/** Inside the 1024×768 viewport, without scrolling. */
async function inViewport(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
  });
}

test.describe('journey 3 on a 1024×768 projector: lesson page, PDF, class mode', () => {
  const missing = prerequisite(state.samplePacks.length > 0, 'sample packs', 'run `npm run samples` before the e2e tests');
  test.skip(missing !== null, missing ?? '');
  test.use({ viewport: { width: 1024, height: 768 } });

  test('video controls fit, the PDF pages with keys, class mode moves through the lesson, the lesson is remembered', async ({ page }) => {
    const offDevice: string[] = [];
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (!['blob:', 'data:'].includes(url.protocol) && url.origin !== state.origin) offDevice.push(req.url());
    });
    const cspViolations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    await page.goto(state.appUrl);
    await ensureChinesePack(page);
    await openLesson(page, /大青树下的小学/);

    // Header + status stay compact; the video, its speed/subtitle controls and the class-mode button fit.
    const chrome = await page.evaluate(() => {
      const h = document.querySelector('.app-header')!.getBoundingClientRect().height;
      const s = document.querySelector('.sync-status')!.getBoundingClientRect().height;
      return h + s;
    });
    expect(chrome).toBeLessThanOrEqual(110);
    await expect(page.locator('video.viewer-video')).toBeVisible();
    await page.screenshot({ path: screenshotPath('lesson-projector-zh-CN.png') });
    expect(await inViewport(page, '.video-actions')).toBe(true);
    expect(await inViewport(page, '.class-mode-enter')).toBe(true);

    // The PDF: drawn by pdf.js (not Chromium's viewer), page by page, keys turn pages.
    const resources = page.getByRole('list', { name: '本课资源' });
    await resources.getByRole('button', { name: /生字卡/ }).click();
    const pageLabel = page.getByTestId('pdf-page');
    await expect(pageLabel).toHaveText(/第 1 \/ \d+ 页/);
    await expect.poll(() => page.locator('canvas.pdf-canvas').evaluate((c: HTMLCanvasElement) => Number(c.dataset.rendered))).toBeGreaterThan(0);
    expect(await page.locator('iframe').count()).toBe(0);
    expect(await inViewport(page, '.pdf-actions')).toBe(true);
    await page.screenshot({ path: screenshotPath('pdf-zh-CN.png') });

    // Class mode: F, then the presenter keys; the bar's controls are on screen.
    await page.keyboard.press('f');
    const bar = page.getByRole('toolbar', { name: '课堂模式' });
    await expect(bar).toBeVisible();
    await expect(page.getByTestId('class-item')).toContainText('生字卡');
    await page.screenshot({ path: screenshotPath('class-mode-pdf-zh-CN.png') });
    const pages = Number((await pageLabel.textContent())!.match(/\/ (\d+)/)![1]);
    for (let i = 1; i < pages; i++) await page.keyboard.press('PageDown');
    await expect(pageLabel).toHaveText(new RegExp(`第 ${pages} / ${pages} 页`));
    // Back to the first page of the PDF (PageUp, ArrowLeft, ArrowUp all turn back), then one more goes to the previous resource.
    const back = ['PageUp', 'ArrowLeft', 'ArrowUp'];
    for (let i = 1; i < pages; i++) await page.keyboard.press(back[i % 3]!);
    await expect(pageLabel).toHaveText(/第 1 \//);
    await page.keyboard.press('PageUp');
    await expect(page.getByTestId('class-item')).toContainText('课文插图');
    await page.keyboard.press('b');
    await expect(page.getByTestId('class-black')).toBeVisible();
    await page.keyboard.press('b');
    await page.keyboard.press('Escape');
    await expect(bar).toBeHidden();
    await expect(resources).toBeVisible();

    // "继续上次的课" on the teacher's home brings the teacher back to that lesson and item.
    await unlockTeacher(page);
    const resume = page.getByRole('region', { name: '继续上次的课' });
    await expect(resume).toContainText('课文插图');
    await resume.getByRole('link', { name: /继续：.*大青树下的小学/ }).click();
    await expect(page.getByRole('heading', { level: 1, name: /大青树下的小学/ })).toBeVisible();
    await expect(resources.getByRole('button', { name: /课文插图/ })).toHaveAttribute('aria-pressed', 'true');

    // The About page has the developer details; the teaching screens do not.
    await page.getByRole('contentinfo').getByRole('link', { name: '关于本机' }).click();
    await expect(page.getByText(state.dataDir, { exact: true })).toBeVisible();

    expect(offDevice).toEqual([]);
    // Vite inlines the smallest font slices as data: URLs, which the HTTP transport's CSP (font-src
    // 'self') refuses; those few slices fall back to the next font. Everything else must be clean.
    expect(cspViolations.filter((v) => !v.includes("Loading the font 'data:font/woff2"))).toEqual([]);
  });
});
