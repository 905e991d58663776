import { app, BrowserWindow, dialog, ipcMain, protocol, session } from 'electron';
import * as path from 'path';
import { MOVE_DATA_FLAG, moveDataDir, readFlag, resolveDataDir } from '../host/data-location';
import { createHost, type Host } from '../host/host';
import { hardenApp, hardenSession } from './harden';
import { useBundledMediaTools } from './media-tools';
import { describeSender, forwardEventsToIpc, isTrustedSender, registerBridgeIpc } from './ipc';
import { registerPickFilesIpc } from './pick-files';
import { registerPrivilegedSchemes, registerProtocols } from './protocols';
import { QuitHandshake } from './quit';
import { promptRelaunch, readSafeModeSync, withRelaunchPrompt } from './safe-mode';
import { buildAppCsp } from './security';
import { createMainWindow, focusWindow } from './window';

/** How long the renderer gets to flush its writes after app.willQuit. */
export const QUIT_DEADLINE_MS = 3000;

export interface MainRuntime {
  dataDir: string;
  safeMode: boolean;
  host: Host;
  window: BrowserWindow;
  quit: QuitHandshake;
  protocolApi: 'handle' | 'stream';
}

/**
 * The Electron composition root. Order matters and is the point of this function:
 * everything before `whenReady()` must happen before Chromium starts (paths, the single-instance
 * lock that is keyed by userData, GPU switch, sandbox, privileged schemes).
 */
export async function startMain(log: (message: string) => void = (m) => console.warn(m)): Promise<MainRuntime | null> {
  // 1. Data dir: one root for the content store, settings and the Chromium profile (IndexedDB).
  //    --data-dir=, TEACHPOINT_DATA, the portable build's folder, the moved-to setting, or the default.
  const { dataDir, defaultDir } = resolveDataDir();
  app.setPath('userData', path.join(dataDir, 'profile'));
  app.setAppLogsPath(path.join(dataDir, 'logs'));
  if (app.isPackaged) useBundledMediaTools(process.resourcesPath);

  // 2. Single instance (the lock lives in userData, so this comes after setPath).
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }

  // 2b. --move-data-to=<dir>: move the whole data directory (IndexedDB profile included) while we hold
  //     the lock and before Chromium opens the profile, then start again on the new place.
  const moveTo = readFlag(process.argv, MOVE_DATA_FLAG);
  if (moveTo) {
    const result = await moveDataDir(dataDir, moveTo, { defaultDir, forbiddenRoots: app.isPackaged ? [path.dirname(process.execPath)] : [] });
    log(`[data] moved ${result.files} files (${result.bytes} bytes) to ${result.to}`);
    app.relaunch({ args: process.argv.slice(1).filter((a) => !a.startsWith(`${MOVE_DATA_FLAG}=`)) });
    app.exit(0);
    return null;
  }

  // 3. Safe mode: must be decided before ready.
  const safeMode = readSafeModeSync(dataDir);
  if (safeMode) app.disableHardwareAcceleration();

  // 4. Process-wide hardening and schemes, before ready.
  app.enableSandbox();
  registerPrivilegedSchemes(protocol);
  hardenApp(app, log);

  let win: BrowserWindow | null = null;
  let host: Host | null = null;
  let unregisterIpc: () => void = () => {};
  let stopEvents: () => void = () => {};

  const quit = new QuitHandshake({
    deadlineMs: QUIT_DEADLINE_MS,
    hasRenderer: () => win !== null && !win.isDestroyed() && !win.webContents.isDestroyed() && !win.webContents.isCrashed(),
    flush: (deadlineMs) => (host ? host.requestQuit(deadlineMs) : Promise.resolve('timeout' as const)),
    dispose: async () => {
      stopEvents();
      unregisterIpc();
      await host?.dispose();
    },
    quit: () => app.quit(),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    log,
  });
  app.on('before-quit', (event) => {
    if (quit.requestQuit()) event.preventDefault();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('second-instance', () => focusWindow(win));

  await app.whenReady();

  // 5. The host (plain Node) and the two Electron transports onto it: protocols and IPC.
  host = await createHost({ dataDir, shell: 'electron', appVersion: app.getVersion(), electronVersion: process.versions.electron ?? null, log });
  hardenSession(session.defaultSession, log);
  const protocolApi = registerProtocols(protocol, {
    rendererRoot: path.join(app.getAppPath(), 'dist', 'renderer'),
    media: host.media,
    appCsp: buildAppCsp(),
  });
  const handlers = {
    ...host.handlers,
    'app.setSafeMode': withRelaunchPrompt(host.handlers['app.setSafeMode'], (enabled) => {
      const parent = win;
      const showMessageBox: Parameters<typeof promptRelaunch>[0]['showMessageBox'] = (options) =>
        parent && !parent.isDestroyed() ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options);
      promptRelaunch({ showMessageBox }, app, enabled).catch((err: unknown) => log(`[safe-mode] relaunch prompt failed: ${String(err)}`));
    }),
  };
  const trusted = (event: Parameters<typeof describeSender>[0]) => isTrustedSender(describeSender(event, win?.webContents ?? null));
  const unregisterBridge = registerBridgeIpc(ipcMain, handlers, trusted);
  // 我的资料: the native file dialog, same sender check; the chosen paths then go to materials.add.
  const unregisterPick = registerPickFilesIpc(ipcMain, {
    isTrusted: trusted,
    showOpenDialog: (options) => (win && !win.isDestroyed() ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options)),
  });
  unregisterIpc = () => {
    unregisterBridge();
    unregisterPick();
  };
  stopEvents = forwardEventsToIpc(host.events, () => (win && !win.isDestroyed() ? [win.webContents] : []));

  // 6. The window: hidden until ready-to-show; closing it goes through the quit handshake.
  win = createMainWindow(BrowserWindow, path.join(app.getAppPath(), 'dist', 'electron', 'preload.cjs'), (err) => log(`[window] load failed: ${String(err)}`));
  win.on('close', (event) => {
    if (quit.requestQuit()) event.preventDefault();
  });

  return { dataDir, safeMode, host, window: win, quit, protocolApi };
}

/** Started on load: this module is the Electron main entry (bundled to dist/electron/main.cjs). */
export const running: Promise<MainRuntime | null> = startMain().catch((err: unknown) => {
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  dialog.showErrorBox('教学点课堂 TeachPoint', `程序无法启动，请重新安装或联系县电教馆。/ TeachPoint could not start. Reinstall it or contact the county technician.\n\n${text}`);
  app.exit(1);
  return null;
});
