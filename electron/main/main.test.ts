import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BridgeResult } from '../../common/bridge/dispatch';
import { IPC_CHANNELS } from '../../common/bridge/preload-api';
import type * as MainModule from './main';

/**
 * Smoke test of the composition root: main.ts runs against a mocked `electron` module (the only
 * seam), with the real host on a temp data dir. It asserts the security-relevant calls and their
 * order, then drives one bridge call and the quit handshake through the registered IPC handler.
 */
const fx = vi.hoisted(() => {
  const order: string[] = [];
  return {
    order,
    root: '',
    ipcHandler: null as null | ((event: unknown, ...args: unknown[]) => Promise<BridgeResult>),
    pickHandler: null as null | ((event: unknown, ...args: unknown[]) => Promise<unknown>),
  };
});

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  const note = (name: string) => vi.fn((..._args: unknown[]) => void fx.order.push(name));

  const app = Object.assign(new EventEmitter(), {
    setPath: vi.fn((name: string, value: string) => void fx.order.push(`setPath:${name}:${value}`)),
    setAppLogsPath: note('setAppLogsPath'),
    requestSingleInstanceLock: vi.fn(() => (fx.order.push('requestSingleInstanceLock'), true)),
    disableHardwareAcceleration: note('disableHardwareAcceleration'),
    enableSandbox: note('enableSandbox'),
    commandLine: { appendSwitch: vi.fn((name: string, value?: string) => void fx.order.push(`appendSwitch:${name}=${value}`)) },
    whenReady: vi.fn(async () => void fx.order.push('whenReady')),
    getVersion: () => '0.1.0',
    getAppPath: () => fx.root,
    relaunch: vi.fn(),
    exit: vi.fn(),
    quitted: false,
    quit: vi.fn(() => {
      fx.order.push('app.quit');
      const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
      app.emit('before-quit', event);
      if (!event.defaultPrevented) app.quitted = true;
    }),
  });

  class BrowserWindow extends EventEmitter {
    static instances: BrowserWindow[] = [];
    readonly webContents: EventEmitter;
    constructor(readonly options: Record<string, unknown>) {
      super();
      BrowserWindow.instances.push(this);
      this.webContents = Object.assign(new EventEmitter(), {
        id: 1,
        mainFrame: { url: 'app://teachpoint/', parent: null, processId: 4, routingId: 1 },
        isDestroyed: () => false,
        isCrashed: () => false,
        send: vi.fn(),
        setWindowOpenHandler: vi.fn(),
        setWebRTCIPHandlingPolicy: vi.fn(),
        getURL: () => 'app://teachpoint/',
      });
      app.emit('web-contents-created', {}, this.webContents);
    }
    isDestroyed() { return false; }
    loadURL = vi.fn(async () => {});
    minimized = false;
    visible = false;
    isMinimized = vi.fn(() => this.minimized);
    isVisible = vi.fn(() => this.visible);
    restore = vi.fn(() => void (this.minimized = false));
    show = vi.fn(() => void (this.visible = true));
    focus = vi.fn();
  }

  const protocol = {
    registerSchemesAsPrivileged: vi.fn(() => void fx.order.push('registerSchemesAsPrivileged')),
    handle: vi.fn(),
    registerStreamProtocol: vi.fn(),
  };
  const defaultSession = Object.assign(new EventEmitter(), {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
  });
  const ipcMain = {
    handle: vi.fn((channel: string, handler: typeof fx.ipcHandler) => {
      fx.order.push(`ipcMain.handle:${channel}`);
      if (channel === 'teachpoint:pick-files') fx.pickHandler = handler as unknown as typeof fx.pickHandler;
      else fx.ipcHandler = handler;
    }),
    removeHandler: vi.fn(),
  };
  const dialog = {
    showMessageBox: vi.fn(async () => ({ response: 1 })),
    showErrorBox: vi.fn(),
    showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/home/teacher/挂图.png'] })),
  };
  return { app, BrowserWindow, protocol, session: { defaultSession }, ipcMain, dialog };
});

const root = mkdtempSync(path.join(tmpdir(), 'tp-main-'));
const dataDir = path.join(root, 'data');
mkdirSync(path.join(root, 'dist', 'renderer'), { recursive: true });
writeFileSync(path.join(root, 'dist', 'renderer', 'index.html'), '<!doctype html>');
mkdirSync(dataDir);
writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ safeMode: true }));
fx.root = root;
vi.stubEnv('TEACHPOINT_DATA', dataDir);
vi.stubEnv('TEACHPOINT_EXTRA_DRIVES', '');

afterAll(async () => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

type Spy = ReturnType<typeof vi.fn>;
type FakeContents = EventEmitter & { mainFrame: object; send: Spy; setWindowOpenHandler: Spy };
type FakeWindow = EventEmitter & {
  options: { show?: boolean; webPreferences?: object };
  webContents: FakeContents;
  loadURL: Spy;
  show: Spy;
  minimized: boolean;
  visible: boolean;
  restore: Spy;
  focus: Spy;
};
interface FakeElectron {
  app: EventEmitter & { quitted: boolean };
  BrowserWindow: { instances: FakeWindow[] };
  protocol: Record<'registerSchemesAsPrivileged' | 'handle' | 'registerStreamProtocol', Spy>;
  session: { defaultSession: Record<'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler', Spy> };
  ipcMain: Record<'handle' | 'removeHandler', Spy>;
  dialog: Record<'showOpenDialog', Spy>;
}

let electron: FakeElectron;
let main: typeof MainModule;
let runtime: Awaited<typeof main.running>;
beforeAll(async () => {
  electron = (await import('electron')) as unknown as FakeElectron;
  main = await import('./main');
  runtime = await main.running;
});

describe('electron/main/main.ts wiring', () => {

  it('starts', () => {
    expect(runtime).not.toBeNull();
    expect(runtime!.dataDir).toBe(dataDir);
    expect(runtime!.protocolApi).toBe('handle');
  });

  it('does the before-ready steps in order: paths → single-instance lock → GPU off → sandbox → schemes → ready', () => {
    const at = (name: string) => fx.order.findIndex((n) => n.startsWith(name));
    expect(at(`setPath:userData:${path.join(dataDir, 'profile')}`)).toBeGreaterThanOrEqual(0);
    expect(at('setPath:userData')).toBeLessThan(at('requestSingleInstanceLock'));
    expect(at('requestSingleInstanceLock')).toBeLessThan(at('disableHardwareAcceleration'));
    expect(at('disableHardwareAcceleration')).toBeLessThan(at('whenReady'));
    expect(at('enableSandbox')).toBeLessThan(at('whenReady'));
    expect(at('registerSchemesAsPrivileged')).toBeLessThan(at('whenReady'));
    expect(at('whenReady')).toBeLessThan(at(`ipcMain.handle:${IPC_CHANNELS.call}`));
    expect((electron.protocol.registerSchemesAsPrivileged.mock.calls[0]?.[0] as Array<{ scheme: string }>).map((s) => s.scheme)).toEqual(['app', 'tp-media']);
  });

  it('creates a hidden, sandboxed window with the preload and shows it on ready-to-show', () => {
    const win = electron.BrowserWindow.instances[0]!;
    expect(electron.BrowserWindow.instances).toHaveLength(1);
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      preload: path.join(root, 'dist', 'electron', 'preload.cjs'),
    });
    expect(win.loadURL).toHaveBeenCalledWith('app://teachpoint/');
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalled();
  });

  it('focuses the existing window on second-instance: restored when minimised, shown when hidden, no second window', () => {
    const win = electron.BrowserWindow.instances[0]!;
    win.minimized = true;
    win.visible = false;
    for (const spy of [win.restore, win.show, win.focus]) spy.mockClear();
    electron.app.emit('second-instance', {}, ['teachpoint'], root);
    expect(win.restore).toHaveBeenCalledTimes(1);
    expect(win.show).toHaveBeenCalledTimes(1);
    expect(win.focus).toHaveBeenCalledTimes(1);
    expect(win.minimized).toBe(false);

    // Already on screen (behind another window): brought to the front only.
    electron.app.emit('second-instance', {}, ['teachpoint'], root);
    expect(win.restore).toHaveBeenCalledTimes(1);
    expect(win.show).toHaveBeenCalledTimes(1);
    expect(win.focus).toHaveBeenCalledTimes(2);
    expect(electron.BrowserWindow.instances).toHaveLength(1);
  });

  it('hardens the session and every WebContents', () => {
    const s = electron.session.defaultSession;
    expect(s.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
    expect(s.setPermissionCheckHandler).toHaveBeenCalledTimes(1);
    expect(s.setDevicePermissionHandler).toHaveBeenCalledTimes(1);
    const contents = electron.BrowserWindow.instances[0]!.webContents;
    expect(contents.setWindowOpenHandler).toHaveBeenCalledTimes(1);
    const openHandler = contents.setWindowOpenHandler.mock.calls[0]?.[0] as (d: { url: string }) => unknown;
    expect(openHandler({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-attach-webview')).toBe(1);
  });

  it('registers both protocols with protocol.handle on current Electron', () => {
    expect(electron.protocol.handle.mock.calls.map((c) => c[0])).toEqual(['app', 'tp-media']);
    expect(electron.protocol.registerStreamProtocol).not.toHaveBeenCalled();
  });

  it('answers a bridge call from the window main frame and refuses a subframe', async () => {
    const contents = electron.BrowserWindow.instances[0]!.webContents;
    const trusted = { sender: contents, senderFrame: contents.mainFrame };
    const info = await fx.ipcHandler!(trusted, 'app.info', {});
    expect(info).toMatchObject({ ok: true, value: { shell: 'electron', dataDir, safeMode: true } });
    const sub = { sender: contents, senderFrame: { url: 'app://teachpoint/', parent: contents.mainFrame, processId: 4, routingId: 2 } };
    expect(await fx.ipcHandler!(sub, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'bridge.forbidden-sender' } });
  });

  it('offers the native file dialog (我的资料) to the window main frame only', async () => {
    const contents = electron.BrowserWindow.instances[0]!.webContents;
    expect(await fx.pickHandler!({ sender: contents, senderFrame: contents.mainFrame }, { kinds: ['image'] })).toEqual(['/home/teacher/挂图.png']);
    expect(electron.dialog.showOpenDialog).toHaveBeenCalledTimes(1);
    const sub = { sender: contents, senderFrame: { url: 'app://teachpoint/', parent: contents.mainFrame, processId: 4, routingId: 2 } };
    await expect(fx.pickHandler!(sub, { kinds: ['image'] })).rejects.toThrow('bridge.forbidden-sender');
    expect(electron.dialog.showOpenDialog).toHaveBeenCalledTimes(1);
  });

  it('runs the quit handshake: close is held, app.willQuit reaches the renderer, app.flushed lets it quit', async () => {
    const win = electron.BrowserWindow.instances[0]!;
    const contents = win.webContents;
    const close = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    win.emit('close', close);
    expect(close.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(contents.send).toHaveBeenCalledWith(IPC_CHANNELS.event, { event: 'app.willQuit', payload: { deadlineMs: main.QUIT_DEADLINE_MS } }));
    expect(electron.app.quitted).toBe(false);
    const flushed = await fx.ipcHandler!({ sender: contents, senderFrame: contents.mainFrame }, 'app.flushed', {});
    expect(flushed).toEqual({ ok: true, value: {} });
    await runtime!.quit.done;
    expect(runtime!.quit.reason).toBe('flushed');
    expect(electron.ipcMain.removeHandler).toHaveBeenCalledWith(IPC_CHANNELS.call);
    expect(electron.ipcMain.removeHandler).toHaveBeenCalledWith(IPC_CHANNELS.pickFiles);
    expect(electron.app.quitted).toBe(true);
  });
});
