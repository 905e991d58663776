import { EventEmitter } from 'node:events';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createMainWindow, focusWindow, mainWindowWebPreferences } from './window';

describe('mainWindowWebPreferences', () => {
  it('turns on every isolation switch and off every Node door', () => {
    expect(mainWindowWebPreferences('/app/dist/electron/preload.cjs')).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
  });
});

class FakeWindow extends EventEmitter {
  static last: FakeWindow | null = null;
  shown = false;
  loaded: string | null = null;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    FakeWindow.last = this;
  }
  show() {
    this.shown = true;
  }
  loadURL(url: string) {
    this.loaded = url;
    return Promise.resolve();
  }
}

describe('createMainWindow', () => {
  it('creates the window hidden, loads the app origin and shows it on ready-to-show', () => {
    createMainWindow(FakeWindow as unknown as new (o: BrowserWindowConstructorOptions) => BrowserWindow, '/p.cjs', () => {});
    const win = FakeWindow.last!;
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences?.sandbox).toBe(true);
    expect(win.loaded).toBe('app://teachpoint/');
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });
});

describe('focusWindow', () => {
  it('restores, shows and focuses the existing window', () => {
    const win = { isDestroyed: () => false, isMinimized: () => true, restore: vi.fn(), isVisible: () => false, show: vi.fn(), focus: vi.fn() };
    focusWindow(win as unknown as BrowserWindow);
    expect(win.restore).toHaveBeenCalled();
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(() => focusWindow(null)).not.toThrow();
  });
});
