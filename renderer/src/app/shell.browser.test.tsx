import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { FoundPack } from '../../../common/bridge/methods/drives';
import type { ImportResult, InstalledPack } from '../../../common/bridge/methods/packs';
import { TeachPointError } from '../../../common/errors/errors';
import { LANGUAGE_STORAGE_KEY } from '../i18n/i18n';
import { deferred, FakeBridge, sampleInfo, sampleStorage } from '../test/fake-bridge';
import { MemoryStorage, renderApp, type Rendered } from '../test/render';
import { fakeTeacher } from '../test/teacher';

let rendered: Rendered | null = null;
afterEach(async () => {
  await rendered?.unmount();
  rendered = null;
  document.documentElement.lang = 'zh-CN';
});

function baseHandlers() {
  return {
    // Teacher mode on: pack removal, export and import are teacher-only controls.
    ...fakeTeacher({ unlocked: true }).handlers,
    'app.info': async () => sampleInfo,
    'storage.usage': async () => sampleStorage,
    'packs.list': async (): Promise<InstalledPack[]> => [],
    'drives.list': async () => [],
  };
}

const installed: InstalledPack = {
  id: 'cn.edu.sample.math1',
  version: 3,
  title: { 'zh-CN': '一年级数学（上册）', en: 'Grade 1 Maths (Vol. 1)' },
  publisher: 'county-key-1',
  installedAt: '2026-09-01T08:00:00.000Z',
  bytes: 3 * 1024 ** 3,
  resourceCount: 42,
};

const drive = { id: '/media/usb0', mountPoint: '/media/usb0', label: 'KINGSTON', totalBytes: 32e9, freeBytes: 8 * 1024 ** 3 };

const found: FoundPack = {
  path: '/media/usb0/TeachPoint/chinese1.tpk',
  fileName: 'chinese1.tpk',
  bytes: 2 * 1024 ** 3,
  id: 'cn.edu.sample.chinese1',
  version: 1,
  title: { 'zh-CN': '一年级语文（上册）' },
  installedVersion: null,
  status: 'new',
  error: null,
};

describe('app shell (real Chromium, fake bridge)', () => {
  it('renders the frame in Chinese and shows app.info and storage.usage', async () => {
    rendered = await renderApp(new FakeBridge(baseHandlers()));
    await expect.element(page.getByRole('banner')).toHaveTextContent('教学点课堂');
    await expect.element(page.getByRole('navigation', { name: '主导航' })).toBeVisible();
    await expect.element(page.getByRole('link', { name: '资源库' })).toBeVisible();
    await expect.element(page.getByRole('link', { name: '教师' })).toBeVisible();
    await expect.element(page.getByRole('link', { name: '学生' })).toBeVisible();
    await expect.element(page.getByRole('heading', { level: 1, name: '资源库' })).toBeVisible();
    await expect.element(page.getByRole('status', { name: '同步状态' })).toHaveTextContent('云端同步：未登记');
    await expect.element(page.getByText('可用 12.3 GB / 共 250 GB')).toBeVisible();
    // The footer is one line (version, disk); Node version and data folder are on the About page only.
    const footer = page.getByRole('contentinfo');
    await expect.element(footer).toHaveTextContent('0.1.0-test');
    expect(footer.element().textContent).not.toContain('/tmp/tp-data');
    await expect.element(page.getByText('没有检测到 U 盘')).toBeVisible();
    await expect.element(page.getByText('还没有安装资源包')).toBeVisible();
    expect(document.documentElement.lang).toBe('zh-CN');
    await userEvent.click(footer.getByRole('link', { name: '关于本机' }));
    const about = page.getByRole('region', { name: '关于本机' });
    await expect.element(about).toHaveTextContent('v16.17.1');
    await expect.element(about).toHaveTextContent('/tmp/tp-data');
    await expect.element(about).toHaveTextContent('浏览器');
  });

  it('switches language, updates <html lang>, and the choice persists into the next start', async () => {
    const storage = new MemoryStorage();
    rendered = await renderApp(new FakeBridge(baseHandlers()), { storage });
    await expect.element(page.getByRole('button', { name: '中文' })).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(page.getByRole('button', { name: 'English' }));
    await expect.element(page.getByRole('link', { name: 'Library' })).toBeVisible();
    await expect.element(page.getByText('12.3 GB free of 250 GB')).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');
    expect(document.documentElement.lang).toBe('en');
    expect(storage.getItem(LANGUAGE_STORAGE_KEY)).toBe('en');
    expect(document.body.textContent).not.toContain('资源库');

    await rendered.unmount();
    rendered = await renderApp(new FakeBridge(baseHandlers()), { storage });
    await expect.element(page.getByRole('heading', { level: 1, name: 'Library' })).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: '中文' }));
    await expect.element(page.getByRole('heading', { level: 1, name: '资源库' })).toBeVisible();
    expect(storage.getItem(LANGUAGE_STORAGE_KEY)).toBe('zh-CN');
  });

  it('navigates to the teacher and student entry points (HashRouter-compatible routes)', async () => {
    rendered = await renderApp(new FakeBridge(baseHandlers()));
    const nav = page.getByRole('navigation', { name: '主导航' });
    await userEvent.click(nav.getByRole('link', { name: '教师' }));
    await expect.element(page.getByRole('heading', { level: 1, name: '教师' })).toBeVisible();
    await expect.element(page.getByRole('heading', { name: '我的资料' })).toBeVisible();
    await userEvent.click(nav.getByRole('link', { name: '学生' }));
    await expect.element(page.getByRole('heading', { level: 1, name: '学生' })).toBeVisible();
    await expect.element(nav.getByRole('link', { name: '学生' })).toHaveAttribute('aria-current', 'page');
    await userEvent.click(nav.getByRole('link', { name: '资源库' }));
    await expect.element(page.getByRole('heading', { level: 1, name: '资源库' })).toBeVisible();
  });

  it('lists installed packs and refreshes them on packs.changed', async () => {
    let packs: InstalledPack[] = [installed];
    const bridge = new FakeBridge({ ...baseHandlers(), 'packs.list': async () => packs });
    rendered = await renderApp(bridge);
    const item = page.getByRole('listitem', { name: '一年级数学（上册）' });
    await expect.element(item).toHaveTextContent('版本 3');
    await expect.element(item).toHaveTextContent('资源 42 个');
    await expect.element(item).toHaveTextContent('3 GB');
    packs = [installed, { ...installed, id: 'p2', title: { 'zh-CN': '二年级科学' } }];
    await act(async () => bridge.emit('packs.changed', { packs }));
    await expect.element(page.getByRole('listitem', { name: '二年级科学' })).toBeVisible();
  });

  it('removes an installed pack only after a second, explicit confirmation', async () => {
    let packs: InstalledPack[] = [installed];
    const bridge = new FakeBridge({
      ...baseHandlers(),
      'packs.list': async () => packs,
      'packs.remove': async ({ id }) => {
        packs = [];
        return { id, version: 3, bytesFreed: installed.bytes };
      },
    });
    rendered = await renderApp(bridge);
    const item = page.getByRole('listitem', { name: '一年级数学（上册）' });
    await userEvent.click(item.getByRole('button', { name: '删除' }));
    await expect.element(item).toHaveTextContent('确定从本机删除“一年级数学（上册）”吗？');
    await userEvent.click(item.getByRole('button', { name: '不删除' }));
    expect(bridge.calls.some((c) => c.method === 'packs.remove')).toBe(false);
    await userEvent.click(item.getByRole('button', { name: '删除' }));
    await userEvent.click(item.getByRole('button', { name: '确定删除' }));
    expect(bridge.calls.find((c) => c.method === 'packs.remove')?.request).toEqual({ id: installed.id });
    await act(async () => bridge.emit('packs.changed', { packs: [] }));
    await expect.element(page.getByText('还没有安装资源包')).toBeVisible();
  });

  it('shows packs on a USB stick, imports with progress and ETA, and cancels', async () => {
    const importCall = deferred<ImportResult>();
    const bridge = new FakeBridge({
      ...baseHandlers(),
      'drives.list': async () => [drive],
      'drives.scan': async () => ({ driveId: drive.id, packs: [found] }),
      'packs.import': () => importCall.promise,
      'packs.cancelImport': async () => {
        importCall.reject(new TeachPointError('pack.import-cancelled', { zh: '导入已取消', en: 'Import cancelled' }));
        return { cancelled: true };
      },
    });
    rendered = await renderApp(bridge);
    const row = page.getByRole('listitem', { name: '一年级语文（上册）' });
    await expect.element(row).toHaveTextContent('新资源包');
    await expect.element(page.getByRole('article', { name: 'U 盘：KINGSTON' })).toHaveTextContent('可用 8 GB');
    await userEvent.click(row.getByRole('button', { name: '导入' }));
    expect(bridge.calls.find((c) => c.method === 'packs.import')?.request).toEqual({ path: found.path });

    await act(async () =>
      bridge.emit('packs.importProgress', {
        path: found.path,
        packId: found.id,
        version: 1,
        phase: 'copying',
        bytesDone: 1024 ** 3,
        bytesTotal: 2 * 1024 ** 3,
        currentTitle: '第一单元 第1课 天地人',
        etaSeconds: 200,
      }),
    );
    const bar = page.getByRole('progressbar', { name: '导入进度' });
    await expect.element(bar).toHaveAttribute('aria-valuenow', '50');
    await expect.element(page.getByText('已复制 1 GB / 共 2 GB')).toBeVisible();
    await expect.element(page.getByText('预计还需 3 分 20 秒', { exact: false })).toBeVisible();
    await expect.element(page.getByText('当前：第一单元 第1课 天地人')).toBeVisible();
    // One import at a time.
    await expect.element(row.getByRole('button', { name: '导入' })).toBeDisabled();

    await userEvent.click(page.getByRole('button', { name: '取消导入' }));
    await expect.element(page.getByText('导入已取消，资源库保持原样。')).toBeVisible();
    expect(bridge.calls.some((c) => c.method === 'packs.cancelImport')).toBe(true);
    expect(page.getByRole('progressbar').elements()).toHaveLength(0);
  });

  it('reports a finished import and rescans the stick when the library changes', async () => {
    let status: FoundPack['status'] = 'new';
    const bridge = new FakeBridge({
      ...baseHandlers(),
      'drives.list': async () => [],
      'drives.scan': async () => ({ driveId: drive.id, packs: [{ ...found, status, installedVersion: status === 'installed' ? 1 : null }] }),
      'packs.import': async () => {
        status = 'installed';
        return { id: found.id!, version: 1, previousVersion: null, alreadyInstalled: false, blobsCopied: 10, blobsSkipped: 0, bytesCopied: found.bytes, bytesSkipped: 0, bytesFreed: 0, seconds: 20 };
      },
    });
    rendered = await renderApp(bridge);
    // The stick arrives after start.
    await act(async () => bridge.emit('drives.changed', { drives: [drive], arrived: [drive], left: [] }));
    const row = page.getByRole('listitem', { name: '一年级语文（上册）' });
    await userEvent.click(row.getByRole('button', { name: '导入' }));
    await expect.element(page.getByText('导入完成：一年级语文（上册）（版本 1）。')).toBeVisible();
    await act(async () => bridge.emit('packs.changed', { packs: [] }));
    await expect.element(row).toHaveTextContent('已安装');
    expect(row.getByRole('button').elements()).toHaveLength(0);
    // The stick leaves.
    await act(async () => bridge.emit('drives.changed', { drives: [], arrived: [], left: [drive] }));
    await expect.element(page.getByText('没有检测到 U 盘')).toBeVisible();
  });

  it('shows a refused import in the current language with its code', async () => {
    const bridge = new FakeBridge({
      ...baseHandlers(),
      'drives.list': async () => [drive],
      'drives.scan': async () => ({ driveId: drive.id, packs: [found] }),
      'packs.import': async () => {
        throw new TeachPointError('pack.bad-signature', {
          zh: '资源包签名无效，已拒绝导入。请向县电教馆索取新的资源包。',
          en: 'The pack signature is invalid; import refused. Ask the county technician for a new copy.',
        });
      },
    });
    rendered = await renderApp(bridge);
    await userEvent.click(page.getByRole('listitem', { name: '一年级语文（上册）' }).getByRole('button', { name: '导入' }));
    const alert = page.getByRole('alert');
    await expect.element(alert).toHaveTextContent('资源包签名无效');
    await expect.element(alert).toHaveTextContent('pack.bad-signature');
    await userEvent.click(page.getByRole('button', { name: 'English' }));
    await expect.element(alert).toHaveTextContent('The pack signature is invalid');
  });

  it('shows a bridge error instead of values when the host does not answer', async () => {
    const bridge = new FakeBridge({
      ...baseHandlers(),
      'storage.usage': async () => {
        throw new TeachPointError('bridge.timeout', { zh: '后台服务没有及时响应，请稍后重试。', en: 'The background service did not answer in time.' });
      },
    });
    rendered = await renderApp(bridge);
    await expect.element(page.getByRole('contentinfo').getByRole('alert')).toHaveTextContent('后台服务没有及时响应');
    await expect.element(page.getByRole('contentinfo')).toHaveTextContent('0.1.0-test');
  });

  it('marks the local service alive on heartbeats', async () => {
    const bridge = new FakeBridge(baseHandlers());
    rendered = await renderApp(bridge);
    await act(async () => bridge.emit('app.heartbeat', { at: new Date().toISOString() }));
    await expect.element(page.getByRole('status', { name: '同步状态' })).toHaveTextContent('本机服务：正常');
  });
});
