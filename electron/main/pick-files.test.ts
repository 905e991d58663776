import type { IpcMain, IpcMainInvokeEvent, OpenDialogOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../common/bridge/preload-api';
import { parsePickFilesRequest, pickFilesDialogOptions, registerPickFilesIpc } from './pick-files';

function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  const ipcMain = {
    handle: vi.fn((channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>) => handlers.set(channel, listener)),
    removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
  };
  const invoke = (event: IpcMainInvokeEvent, ...args: unknown[]) => {
    const h = handlers.get(IPC_CHANNELS.pickFiles);
    if (!h) throw new Error('no handler');
    return h(event, ...args);
  };
  return { ipcMain: ipcMain as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>, handlers, invoke };
}

const trustedEvent = { sender: { id: 1 } } as unknown as IpcMainInvokeEvent;
const strangerEvent = { sender: { id: 2 } } as unknown as IpcMainInvokeEvent;

describe('pickFiles IPC (main side)', () => {
  it('opens the native dialog for a trusted sender and returns the chosen paths', async () => {
    const { ipcMain, invoke, handlers } = fakeIpcMain();
    const showOpenDialog = vi.fn(async (_o: OpenDialogOptions) => ({ canceled: false, filePaths: ['/home/t/课文.avi', '/home/t/挂图.png'] }));
    const off = registerPickFilesIpc(ipcMain, { isTrusted: (e) => e === trustedEvent, showOpenDialog });
    expect(await invoke(trustedEvent, { kinds: ['video', 'image'], multiple: true })).toEqual(['/home/t/课文.avi', '/home/t/挂图.png']);
    const options = showOpenDialog.mock.calls[0]![0];
    expect(options.properties).toEqual(['openFile', 'multiSelections']);
    expect(options.filters?.[0]?.extensions).toEqual(expect.arrayContaining(['mp4', 'avi', 'wmv', 'png', 'jpg']));
    expect(options.filters?.[0]?.extensions).not.toContain('pdf');
    expect(options.filters?.map((f) => f.name)).toEqual(['可以添加的文件 Supported files', '视频 Video', '图片 Pictures']);
    off();
    expect(handlers.has(IPC_CHANNELS.pickFiles)).toBe(false);
  });

  it('returns [] when the teacher cancels', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    registerPickFilesIpc(ipcMain, { isTrusted: () => true, showOpenDialog: async () => ({ canceled: true, filePaths: ['/x'] }) });
    expect(await invoke(trustedEvent, { kinds: ['pdf'] })).toEqual([]);
  });

  it('refuses an untrusted sender (or a throwing check) before any dialog opens', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    const showOpenDialog = vi.fn(async () => ({ canceled: false, filePaths: ['/etc/passwd'] }));
    registerPickFilesIpc(ipcMain, {
      isTrusted: (e) => {
        if (e === strangerEvent) return false;
        throw new Error('frame disposed');
      },
      showOpenDialog,
    });
    await expect(invoke(strangerEvent, { kinds: ['pdf'] })).rejects.toThrow('bridge.forbidden-sender');
    await expect(invoke(trustedEvent, { kinds: ['pdf'] })).rejects.toThrow('bridge.forbidden-sender');
    expect(showOpenDialog).not.toHaveBeenCalled();
  });

  it('refuses malformed requests', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    const showOpenDialog = vi.fn(async () => ({ canceled: false, filePaths: [] }));
    registerPickFilesIpc(ipcMain, { isTrusted: () => true, showOpenDialog });
    for (const bad of [undefined, null, 'video', {}, { kinds: [] }, { kinds: ['exe'] }, { kinds: ['pdf'], multiple: 'yes' }, { kinds: ['pdf'], defaultPath: '/etc' }]) {
      await expect(invoke(trustedEvent, bad)).rejects.toThrow('bridge.invalid-request');
    }
    expect(showOpenDialog).not.toHaveBeenCalled();
  });

  it('parses and de-duplicates kinds; single selection by default', () => {
    expect(parsePickFilesRequest({ kinds: ['pdf', 'pdf'] })).toEqual({ kinds: ['pdf'], multiple: false });
    expect(pickFilesDialogOptions(['audio'], false).properties).toEqual(['openFile']);
  });
});
