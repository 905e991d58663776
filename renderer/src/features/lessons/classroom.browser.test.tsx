import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { PackContent } from '../../../../common/bridge/methods/lessons';
import type { InstalledPack } from '../../../../common/bridge/methods/packs';
import { TeachPointDB } from '../../db/db';
import { WebPlatform } from '../../platform/web-platform';
import { FakeBridge, sampleInfo, sampleStorage } from '../../test/fake-bridge';
import { renderApp, type Rendered } from '../../test/render';
import { ContinueWhereLeftOff } from './ContinueWhereLeftOff';
import { LAST_LESSON_SETTING, positionKey, type LessonPosition } from './positions';
import { DEV_PUBLISHER } from '../../test/publisher';

const SHA = (c: string) => c.repeat(64);
const PDF3 = SHA('1');
const BROKEN = SHA('2');
const VIDEO = SHA('3');

/** A real PDF of `n` pages ("Page 1"…), written by hand with a correct xref table. */
function makePdf(n: number): Uint8Array {
  const objects: string[] = [];
  const kids = Array.from({ length: n }, (_, i) => `${4 + i * 2} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${n} >>`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  for (let i = 0; i < n; i++) {
    const text = `BT /F1 48 Tf 72 700 Td (Page ${i + 1}) Tj ET`;
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`);
    objects.push(`<< /Length ${text.length} >>\nstream\n${text}\nendstream`);
  }
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

/** The web platform with media served from blob: URLs (the PDFs above) instead of the host. */
class BlobPlatform extends WebPlatform {
  constructor(
    bridge: FakeBridge,
    private readonly urls: Map<string, string>,
  ) {
    super(bridge, 'tok');
  }
  override mediaUrl(sha256: string): string {
    return this.urls.get(sha256) ?? super.mediaUrl(sha256);
  }
}

const publisher = DEV_PUBLISHER;

const PACK = 'cn.sample.classroom';
const manifest = {
  format: 'teachpoint-pack/1',
  id: PACK,
  version: 1,
  title: { 'zh-CN': '课堂示例' },
  publisher,
  createdAt: '2025-09-01T08:00:00Z',
  tree: [
    {
      id: 'st',
      level: 'stage',
      title: { 'zh-CN': '小学' },
      children: [{ id: 'l1', level: 'lesson', title: { 'zh-CN': '认识图形' }, resources: ['pdf', 'video', 'broken'] }],
    },
  ],
  resources: [
    { id: 'pdf', kind: 'pdf', title: { 'zh-CN': '图形讲义' }, blob: { sha256: PDF3, size: 1000, mime: 'application/pdf' } },
    { id: 'video', kind: 'video', title: { 'zh-CN': '图形动画' }, blob: { sha256: VIDEO, size: 1000, mime: 'video/mp4' }, durationSec: 12.4 },
    { id: 'broken', kind: 'pdf', title: { 'zh-CN': '坏掉的讲义' }, blob: { sha256: BROKEN, size: 10, mime: 'application/pdf' } },
  ],
  exercises: [],
};

const installed: InstalledPack = { id: PACK, version: 1, title: { 'zh-CN': '课堂示例' }, publisher: 'county-1', installedAt: '2026-09-01T08:00:00.000Z', bytes: 1000, resourceCount: 3 };

function bridge() {
  return new FakeBridge({
    'app.info': async () => sampleInfo,
    'storage.usage': async () => sampleStorage,
    'drives.list': async () => [],
    'packs.list': async () => [installed],
    'lessons.manifest': async ({ packId }) => ({ id: packId, version: 1, manifest: manifest as unknown as PackContent['manifest'] }),
    'materials.list': async () => [],
  });
}

// The dev server transforms pdf.js and its 1 MB worker on first use (with inline source maps): on a
// busy 2-core machine that takes ~20 s once. Pay it here, not inside a test's 15 s budget.
beforeAll(async () => {
  const { openPdf } = await import('./pdfjs');
  const u = URL.createObjectURL(new Blob([makePdf(1) as BlobPart], { type: 'application/pdf' }));
  try {
    await openPdf(u).promise;
  } finally {
    URL.revokeObjectURL(u);
  }
}, 120_000);

let rendered: Rendered | null = null;
const dbs: TeachPointDB[] = [];
const urls: string[] = [];
afterEach(async () => {
  await rendered?.unmount();
  rendered = null;
  if (document.fullscreenElement) await document.exitFullscreen().catch(() => undefined);
  for (const db of dbs.splice(0)) {
    db.close();
    await db.delete();
  }
  for (const u of urls.splice(0)) URL.revokeObjectURL(u);
});

function freshDb(): TeachPointDB {
  const db = new TeachPointDB(`tp-classroom-${Math.random().toString(36).slice(2)}`, { onVersionChange: () => {} });
  dbs.push(db);
  return db;
}

async function openLesson(db: TeachPointDB, path = `/lesson/${PACK}/l1`) {
  const b = bridge();
  const blobUrl = (bytes: Uint8Array) => {
    const u = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/pdf' }));
    urls.push(u);
    return u;
  };
  const media = new Map([
    [PDF3, blobUrl(makePdf(3))],
    [BROKEN, blobUrl(new TextEncoder().encode('this is not a PDF at all'))],
  ]);
  rendered = await renderApp(b, { path, services: { db, platform: new BlobPlatform(b, media) } });
  await expect.element(page.getByRole('heading', { level: 1, name: '认识图形' })).toBeVisible();
}

const pdfPage = () => page.getByTestId('pdf-page');
const press = (key: string) => userEvent.keyboard(key);

describe('PDF on the projector (pdf.js, real Chromium)', () => {
  it('draws the PDF page by page, pages with buttons and keys, and fits width or the whole page', async () => {
    await openLesson(freshDb());
    await expect.element(pdfPage()).toHaveTextContent('第 1 / 3 页');
    const canvas = document.querySelector<HTMLCanvasElement>('canvas.pdf-canvas')!;
    await expect.poll(() => Number(canvas.dataset.rendered)).toBeGreaterThan(0);
    // Something was drawn: the canvas is not blank white.
    const darkPixels = () => {
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let dark = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3]! > 0 && pixels[i]! < 128) dark++;
      return dark;
    };
    await expect.poll(darkPixels).toBeGreaterThan(50);

    await userEvent.click(page.getByRole('button', { name: '下一页' }));
    await expect.element(pdfPage()).toHaveTextContent('第 2 / 3 页');
    // Keys on the focused page: PageDown, then ArrowUp back.
    (document.querySelector('.pdf-stage') as HTMLElement).focus();
    await press('{PageDown}');
    await expect.element(pdfPage()).toHaveTextContent('第 3 / 3 页');
    await expect.element(page.getByRole('button', { name: '下一页' })).toBeDisabled();
    await press('{ArrowUp}');
    await expect.element(pdfPage()).toHaveTextContent('第 2 / 3 页');

    // Whole page (default): the page fits inside the stage; fit width: as wide as the stage.
    const stage = document.querySelector<HTMLElement>('.pdf-stage')!;
    expect(canvas.getBoundingClientRect().height).toBeLessThanOrEqual(stage.clientHeight + 1);
    expect(canvas.getBoundingClientRect().width).toBeLessThanOrEqual(stage.clientWidth + 1);
    await userEvent.click(page.getByRole('button', { name: '适合宽度' }));
    await expect.element(page.getByRole('button', { name: '整页显示' })).toBeVisible();
    await expect.poll(() => Math.abs(canvas.getBoundingClientRect().width - stage.clientWidth)).toBeLessThanOrEqual(2);
    // No "open in a new tab" link carrying the token any more.
    expect(document.querySelector('a[href*="token="]')).toBeNull();
  });

  it('a file pdf.js cannot read shows an error with what to do, not a blank frame', async () => {
    await openLesson(freshDb());
    await userEvent.click(page.getByRole('list', { name: '本课资源' }).getByRole('button', { name: /坏掉的讲义/ }));
    const alert = page.getByRole('alert');
    await expect.element(alert).toHaveTextContent('这个 PDF 文件打不开');
    await expect.element(alert).toHaveTextContent('lessons.pdf-unreadable');
    expect(document.querySelector('canvas.pdf-canvas')).toBeNull();
  });
});

describe('class mode', () => {
  it('F enters; presenter keys turn PDF pages, then move to the next resource; B blacks the screen; Esc leaves', async () => {
    await openLesson(freshDb());
    await expect.element(pdfPage()).toHaveTextContent('第 1 / 3 页');
    await press('f');
    const bar = page.getByRole('toolbar', { name: '课堂模式' });
    await expect.element(bar).toBeVisible();
    await expect.element(page.getByTestId('class-item')).toHaveTextContent('图形讲义 · 1 / 3');
    // The lesson list and the rest of the app are out of the way.
    expect(document.querySelector('.resource-list')).toBeNull();
    const root = document.querySelector('.class-mode')!;
    const box = root.getBoundingClientRect();
    expect([box.left, box.top, box.width, box.height]).toEqual([0, 0, window.innerWidth, window.innerHeight]);

    await press('{PageDown}');
    await expect.element(pdfPage()).toHaveTextContent('第 2 / 3 页');
    await press('{ArrowRight}');
    await expect.element(pdfPage()).toHaveTextContent('第 3 / 3 页');
    await press('{PageDown}');
    await expect.element(page.getByTestId('class-item')).toHaveTextContent('图形动画 · 2 / 3');
    expect(document.querySelector('video')).not.toBeNull();
    await press('{PageUp}');
    await expect.element(page.getByTestId('class-item')).toHaveTextContent('图形讲义 · 1 / 3');

    await press('b');
    await expect.element(page.getByTestId('class-black')).toBeVisible();
    await press('B');
    await expect.element(page.getByTestId('class-black')).not.toBeInTheDocument();
    // (DOM clicks: in real full screen inside the test runner's iframe, pointer coordinates are off.)
    (bar.getByRole('button', { name: '黑屏（B）' }).element() as HTMLElement).click();
    await expect.element(page.getByTestId('class-black')).toBeVisible();
    (page.getByTestId('class-black').element() as HTMLElement).click();
    await expect.element(page.getByTestId('class-black')).not.toBeInTheDocument();

    await press('{Escape}');
    await expect.element(bar).not.toBeInTheDocument();
    await expect.element(page.getByRole('list', { name: '本课资源' })).toBeVisible();
  }, 45_000);

  it('leaving the lesson page after class mode unmounts cleanly (back to the library)', async () => {
    await openLesson(freshDb());
    await expect.element(pdfPage()).toHaveTextContent('第 1 / 3 页');
    await press('f');
    await press('{PageDown}');
    await press('{Escape}');
    await userEvent.click(page.getByRole('link', { name: '返回课程目录' }));
    await expect.element(page.getByRole('heading', { level: 1, name: '资源库' })).toBeVisible();
    expect(document.body.textContent).not.toContain('程序出现意外错误');
  });

  it('the video duration is floored like the player clock (12.4 s is 12 秒, not 13)', async () => {
    await openLesson(freshDb());
    await userEvent.click(page.getByRole('list', { name: '本课资源' }).getByRole('button', { name: /图形动画/ }));
    await expect.element(page.getByText('时长 12 秒')).toBeVisible();
  });
});

describe('continue where you left off', () => {
  it('remembers the item and PDF page per lesson, and the card reopens the lesson there', async () => {
    const db = freshDb();
    await openLesson(db);
    await userEvent.click(page.getByRole('button', { name: '下一页' }));
    await expect.element(pdfPage()).toHaveTextContent('第 2 / 3 页');
    await expect.poll(async () => ((await db.settings.get(positionKey(PACK, 'l1')))?.value as LessonPosition | undefined)?.page).toBe(2);
    const last = (await db.settings.get(LAST_LESSON_SETTING))?.value as LessonPosition;
    expect(last).toMatchObject({ packId: PACK, lessonId: 'l1', itemKey: 'r:pdf', itemTitle: '图形讲义', page: 2, lessonTitle: { 'zh-CN': '认识图形' } });

    // Reopening the lesson lands on the same page.
    await rendered!.unmount();
    await openLesson(db);
    await expect.element(pdfPage()).toHaveTextContent('第 2 / 3 页');

    // A video position is remembered too (seconds), and the last lesson follows the last item opened.
    await userEvent.click(page.getByRole('list', { name: '本课资源' }).getByRole('button', { name: /图形动画/ }));
    await expect.poll(async () => ((await db.settings.get(LAST_LESSON_SETTING))?.value as LessonPosition).itemKey).toBe('r:video');
    await db.settings.put({ key: LAST_LESSON_SETTING, value: { ...last, itemKey: 'r:video', itemTitle: '图形动画', page: undefined, seconds: 42 } });
    await db.settings.put({ key: positionKey(PACK, 'l1'), value: { ...last, itemKey: 'r:video', itemTitle: '图形动画', page: undefined, seconds: 42 } });
    await rendered!.unmount();

    // The card (for the teacher's home) on its own.
    const { createRoot } = await import('react-dom/client');
    const { act } = await import('react');
    const { MemoryRouter, Route, Routes } = await import('react-router-dom');
    const { AppProviders } = await import('../../app/App');
    const { createI18n } = await import('../../i18n/i18n');
    const { MemoryStorage } = await import('../../test/render');
    const b = bridge();
    const container = document.createElement('div');
    document.body.appendChild(container);
    const root = createRoot(container);
    await act(async () =>
      root.render(
        <AppProviders services={{ bridge: b, platform: new WebPlatform(b, 'tok'), db }} i18n={createI18n({ storage: new MemoryStorage() })}>
          <MemoryRouter>
            <Routes>
              <Route index element={<ContinueWhereLeftOff />} />
              <Route path="lesson/:packId/:lessonId" element={<p data-testid="opened">{window.location.hash}</p>} />
            </Routes>
          </MemoryRouter>
        </AppProviders>,
      ),
    );
    rendered = { container, unmount: async () => act(async () => root.unmount()).then(() => container.remove()) };
    const card = page.getByRole('region', { name: '继续上次的课' });
    await expect.element(card).toHaveTextContent('图形动画 · 0:42');
    const link = card.getByRole('link', { name: '继续：认识图形' });
    await expect.element(link).toHaveAttribute('href', `/lesson/${PACK}/l1?item=r%3Avideo`);
  }, 40_000);

  it('says what will appear when no lesson was opened yet', async () => {
    const b = bridge();
    const { renderApp: _unused } = { renderApp };
    void _unused;
    const db = freshDb();
    const { createRoot } = await import('react-dom/client');
    const { act } = await import('react');
    const { MemoryRouter } = await import('react-router-dom');
    const { AppProviders } = await import('../../app/App');
    const { createI18n } = await import('../../i18n/i18n');
    const { MemoryStorage } = await import('../../test/render');
    const container = document.createElement('div');
    document.body.appendChild(container);
    const root = createRoot(container);
    await act(async () =>
      root.render(
        <AppProviders services={{ bridge: b, platform: new WebPlatform(b, 'tok'), db }} i18n={createI18n({ storage: new MemoryStorage() })}>
          <MemoryRouter>
            <ContinueWhereLeftOff />
          </MemoryRouter>
        </AppProviders>,
      ),
    );
    rendered = { container, unmount: async () => act(async () => root.unmount()).then(() => container.remove()) };
    await expect.element(page.getByRole('region', { name: '继续上次的课' })).toHaveTextContent('还没有上过课');
  });
});
