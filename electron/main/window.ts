import type { BrowserWindow, BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { APP_START_URL } from '../../common/origins';

/** The renderer's privileges, all of them: sandboxed, isolated, no Node, web security on. */
export function mainWindowWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    // Chromium's built-in PDF viewer (lesson PDFs in a frame). Electron ships no other plugin.
    plugins: true,
  };
}

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    // Hidden until the first paint is ready: no white flash on a projector.
    show: false,
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    title: '教学点课堂 TeachPoint',
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: mainWindowWebPreferences(preloadPath),
  };
}

type WindowCtor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

/** Creates the app window hidden, shows it on `ready-to-show`, loads the fixed app origin. */
export function createMainWindow(BrowserWindowCtor: WindowCtor, preloadPath: string, onLoadError: (err: unknown) => void): BrowserWindow {
  const win = new BrowserWindowCtor(mainWindowOptions(preloadPath));
  win.once('ready-to-show', () => win.show());
  win.loadURL(APP_START_URL).catch(onLoadError);
  return win;
}

/** Second instance started: bring the existing window to the front instead. */
export function focusWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}
