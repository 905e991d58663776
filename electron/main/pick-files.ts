import type { IpcMain, IpcMainInvokeEvent, OpenDialogOptions } from 'electron';
import { MATERIAL_KINDS, type MaterialKind } from '../../common/bridge/methods/materials';
import { IPC_CHANNELS } from '../../common/bridge/preload-api';
import { MATERIAL_EXTENSIONS } from '../../content-packs/device/materials';

const KIND_NAMES: Record<MaterialKind, string> = {
  video: '视频 Video',
  audio: '音频 Audio',
  pdf: 'PDF',
  image: '图片 Pictures',
};

/** Parses the renderer's request; null when it is not `{ kinds: MaterialKind[] (≥1), multiple?: boolean }`. */
export function parsePickFilesRequest(raw: unknown): { kinds: MaterialKind[]; multiple: boolean } | null {
  if (!raw || typeof raw !== 'object') return null;
  const { kinds, multiple, ...rest } = raw as { kinds?: unknown; multiple?: unknown };
  if (Object.keys(rest).length > 0) return null;
  if (!Array.isArray(kinds) || kinds.length === 0 || kinds.length > MATERIAL_KINDS.length) return null;
  if (!kinds.every((k): k is MaterialKind => (MATERIAL_KINDS as readonly unknown[]).includes(k))) return null;
  if (multiple !== undefined && typeof multiple !== 'boolean') return null;
  return { kinds: [...new Set(kinds)], multiple: multiple ?? false };
}

/** The native dialog for 我的资料: one filter with everything asked for, then one per kind. */
export function pickFilesDialogOptions(kinds: readonly MaterialKind[], multiple: boolean): OpenDialogOptions {
  const extsOf = (kind: MaterialKind) => Object.entries(MATERIAL_EXTENSIONS).filter(([, k]) => k === kind).map(([ext]) => ext);
  const all = kinds.flatMap(extsOf);
  return {
    title: '添加到我的资料 Add to My materials',
    properties: multiple ? ['openFile', 'multiSelections'] : ['openFile'],
    filters: [{ name: '可以添加的文件 Supported files', extensions: all }, ...kinds.map((k) => ({ name: KIND_NAMES[k], extensions: extsOf(k) }))],
  };
}

export interface PickFilesDeps {
  /** Same check as the bridge: the app window's main frame on app://teachpoint only. */
  isTrusted: (event: IpcMainInvokeEvent) => boolean;
  showOpenDialog: (options: OpenDialogOptions) => Promise<{ canceled: boolean; filePaths: string[] }>;
}

/**
 * `teachpoint:pick-files`: the only way the renderer gets a file path, and only one the teacher
 * chose in the native dialog. An untrusted sender or a malformed request is refused before any
 * dialog opens. Returns the unregister function.
 */
export function registerPickFilesIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, deps: PickFilesDeps): () => void {
  ipcMain.handle(IPC_CHANNELS.pickFiles, async (event: IpcMainInvokeEvent, raw: unknown): Promise<string[]> => {
    let trusted = false;
    try {
      trusted = deps.isTrusted(event);
    } catch {
      trusted = false;
    }
    if (!trusted) throw new Error('bridge.forbidden-sender');
    const request = parsePickFilesRequest(raw);
    if (!request) throw new Error('bridge.invalid-request');
    const result = await deps.showOpenDialog(pickFilesDialogOptions(request.kinds, request.multiple));
    if (result.canceled) return [];
    return result.filePaths.filter((p) => typeof p === 'string' && p.length > 0);
  });
  return () => ipcMain.removeHandler(IPC_CHANNELS.pickFiles);
}
