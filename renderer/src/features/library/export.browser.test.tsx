import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { FoundPack, RemovableDrive } from '../../../../common/bridge/methods/drives';
import type { InstalledPack } from '../../../../common/bridge/methods/packs';
import { TeachPointError } from '../../../../common/errors/errors';
import { deferred, FakeBridge, sampleInfo, sampleStorage } from '../../test/fake-bridge';
import { renderApp, type Rendered } from '../../test/render';
import { exportDirOn } from './ExportPack';
import { fakeTeacher } from '../../test/teacher';

let rendered: Rendered | null = null;
afterEach(async () => {
  await rendered?.unmount();
  rendered = null;
  document.documentElement.lang = 'zh-CN';
});

const installed: InstalledPack = {
  id: 'cn.edu.sample.math1',
  version: 3,
  title: { 'zh-CN': '一年级数学（上册）', en: 'Grade 1 Maths (Vol. 1)' },
  publisher: 'county-key-1',
  installedAt: '2026-09-01T08:00:00.000Z',
  bytes: 3 * 1024 ** 3,
  resourceCount: 42,
};

const linuxStick: RemovableDrive = { id: '/media/usb0', mountPoint: '/media/usb0', label: 'KINGSTON', totalBytes: 32e9, freeBytes: 8 * 1024 ** 3 };
const windowsStick: RemovableDrive = { id: 'E:', mountPoint: 'E:\\', label: 'SANDISK', totalBytes: 16e9, freeBytes: 1024 ** 3 };

const exportedFile = '/media/usb0/TeachPoint/cn.edu.sample.math1-v3.tpk';
const onStick: FoundPack = {
  path: exportedFile,
  fileName: 'cn.edu.sample.math1-v3.tpk',
  bytes: 2.5 * 1024 ** 3,
  id: installed.id,
  version: 3,
  title: installed.title,
  installedVersion: 3,
  status: 'installed',
  error: null,
};

function handlers(drives: RemovableDrive[]) {
  return {
    // Export is a teacher-mode control.
    ...fakeTeacher({ unlocked: true }).handlers,
    'app.info': async () => sampleInfo,
    'storage.usage': async () => sampleStorage,
    'packs.list': async () => [installed],
    'drives.list': async () => drives,
  };
}

const installedItem = () => page.getByRole('list', { name: '已安装的资源包' }).getByRole('listitem', { name: '一年级数学（上册）' });
/** The same item after switching to English (the pack has an English title). */
const installedItemEn = () => page.getByRole('list', { name: 'Installed packs' }).getByRole('listitem', { name: 'Grade 1 Maths (Vol. 1)' });

describe('export installed packs to a USB stick (real Chromium, fake bridge)', () => {
  it('joins <mount>/TeachPoint with the separator the mount point uses', () => {
    expect(exportDirOn('/media/usb0')).toBe('/media/usb0/TeachPoint');
    expect(exportDirOn('/media/teacher/KINGSTON/')).toBe('/media/teacher/KINGSTON/TeachPoint');
    expect(exportDirOn('E:\\')).toBe('E:\\TeachPoint');
    expect(exportDirOn('E:')).toBe('E:\\TeachPoint');
  });

  it('offers no export while no stick is mounted, then offers it when one arrives', async () => {
    const bridge = new FakeBridge({ ...handlers([]), 'drives.scan': async () => ({ driveId: linuxStick.id, packs: [] }) });
    rendered = await renderApp(bridge);
    await expect.element(installedItem()).toHaveTextContent('版本 3');
    expect(installedItem().getByRole('button', { name: '导出到 U 盘' }).elements()).toHaveLength(0);
    await act(async () => bridge.emit('drives.changed', { drives: [linuxStick], arrived: [linuxStick], left: [] }));
    await expect.element(installedItem().getByRole('button', { name: '导出到 U 盘' })).toBeEnabled();
  });

  it('exports to <stick>/TeachPoint, shows busy then the file and size, and rescans the stick', async () => {
    const exportCall = deferred<{ files: { id: string; version: number; path: string; bytes: number }[]; freeBytesBefore: number | null }>();
    let packsOnStick: FoundPack[] = [];
    const bridge = new FakeBridge({
      ...handlers([linuxStick]),
      'drives.scan': async ({ driveId }) => ({ driveId, packs: packsOnStick }),
      'packs.export': () => exportCall.promise,
    });
    rendered = await renderApp(bridge);
    const stick = page.getByRole('article', { name: 'U 盘：KINGSTON' });
    await expect.element(stick).toHaveTextContent('这个 U 盘上没有资源包');
    const scansBefore = bridge.calls.filter((c) => c.method === 'drives.scan').length;

    const item = installedItem();
    await userEvent.click(item.getByRole('button', { name: '导出到 U 盘' }));
    expect(bridge.calls.find((c) => c.method === 'packs.export')?.request).toEqual({ ids: [installed.id], toDir: '/media/usb0/TeachPoint' });
    await expect.element(item.getByRole('status', { name: '导出状态' })).toHaveTextContent('正在导出到 U 盘 KINGSTON (/media/usb0)');
    await expect.element(item.getByRole('button', { name: '导出到 U 盘' })).toBeDisabled();
    await expect.element(item.getByRole('button', { name: '删除' })).toBeDisabled();

    packsOnStick = [onStick];
    await act(async () => exportCall.resolve({ files: [{ id: installed.id, version: 3, path: exportedFile, bytes: 2.5 * 1024 ** 3 }], freeBytesBefore: 8 * 1024 ** 3 }));
    const status = item.getByRole('status', { name: '导出状态' });
    await expect.element(status).toHaveTextContent('已导出到 U 盘 KINGSTON (/media/usb0)：cn.edu.sample.math1-v3.tpk（2.5 GB）');
    await expect.element(item.getByRole('button', { name: '导出到 U 盘' })).toBeEnabled();

    // The stick was scanned again and now lists the exported pack as installed.
    expect(bridge.calls.filter((c) => c.method === 'drives.scan').length).toBe(scansBefore + 1);
    expect(bridge.calls.filter((c) => c.method === 'drives.scan').at(-1)?.request).toEqual({ driveId: linuxStick.id });
    await expect.element(stick.getByRole('listitem', { name: '一年级数学（上册）' })).toHaveTextContent('已安装');

    await userEvent.click(page.getByRole('button', { name: 'English' }));
    await expect.element(installedItemEn().getByRole('status', { name: 'Export status' })).toHaveTextContent('Exported to USB stick KINGSTON (/media/usb0): cn.edu.sample.math1-v3.tpk (2.5 GB)');
  });

  it('lets the user choose among several sticks and uses the Windows separator for E:\\', async () => {
    const bridge = new FakeBridge({
      ...handlers([linuxStick, windowsStick]),
      'drives.scan': async ({ driveId }) => ({ driveId, packs: [] }),
      'packs.export': async ({ ids, toDir }) => ({ files: [{ id: ids[0]!, version: 3, path: `${toDir}\\math1-v3.tpk`, bytes: 1024 ** 2 }], freeBytesBefore: null }),
    });
    rendered = await renderApp(bridge);
    const item = installedItem();
    const select = item.getByRole('combobox', { name: '导出到哪个 U 盘' });
    await expect.element(select).toBeVisible();
    await userEvent.selectOptions(select, 'E:');
    await userEvent.click(item.getByRole('button', { name: '导出到 U 盘' }));
    expect(bridge.calls.find((c) => c.method === 'packs.export')?.request).toEqual({ ids: [installed.id], toDir: 'E:\\TeachPoint' });
    await expect.element(item.getByRole('status')).toHaveTextContent('已导出到 U 盘 SANDISK (E:\\)：math1-v3.tpk（1 MB）');
    // Scanned once on arrival, once more after the export; the other stick only on arrival.
    const scansOf = (driveId: string) => bridge.calls.filter((c) => c.method === 'drives.scan' && (c.request as { driveId: string }).driveId === driveId).length;
    expect(scansOf('E:')).toBe(2);
    expect(scansOf(linuxStick.id)).toBe(1);
  });

  it('shows a refused export (stick full) in Chinese with its code, then in English', async () => {
    const bridge = new FakeBridge({
      ...handlers([linuxStick]),
      'drives.scan': async ({ driveId }) => ({ driveId, packs: [] }),
      'packs.export': async () => {
        throw new TeachPointError('export.disk-full', {
          zh: '目标磁盘（U盘）空间不足，未导出。请换一个空间更大的U盘，或少选几个资源包。',
          en: 'Not enough space on the target drive (USB stick); nothing was exported. Use a bigger stick or choose fewer packs.',
        });
      },
    });
    rendered = await renderApp(bridge);
    const item = installedItem();
    await userEvent.click(item.getByRole('button', { name: '导出到 U 盘' }));
    const alert = item.getByRole('alert');
    await expect.element(alert).toHaveTextContent('导出失败。');
    await expect.element(alert).toHaveTextContent('目标磁盘（U盘）空间不足，未导出。');
    await expect.element(alert).toHaveTextContent('错误代码：export.disk-full');
    expect(item.getByRole('status').element().textContent).toBe('');
    await userEvent.click(page.getByRole('button', { name: 'English' }));
    const alertEn = installedItemEn().getByRole('alert');
    await expect.element(alertEn).toHaveTextContent('Export failed.');
    await expect.element(alertEn).toHaveTextContent('Not enough space on the target drive (USB stick)');
    await expect.element(alertEn).toHaveTextContent('Error code: export.disk-full');
    await expect.element(installedItemEn().getByRole('button', { name: 'Export to USB stick' })).toBeEnabled();
  });
});
