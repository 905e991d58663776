import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { BridgeHandlers } from '../../common/bridge/contract';
import type { BridgeResult } from '../../common/bridge/dispatch';
import { IPC_CHANNELS } from '../../common/bridge/preload-api';
import { createEventHub, type HostEvent } from '../host/events';
import { describeSender, forwardEventsToIpc, isTrustedSender, registerBridgeIpc, type IpcEventTarget } from './ipc';

// ---- fakes at the Electron seam --------------------------------------------------------------

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
}

function fakeWindow(id: number, url = 'app://teachpoint/') {
  const mainFrame: FakeFrame = { url, parent: null, processId: 7, routingId: id };
  const contents = { id, mainFrame, isDestroyed: () => false };
  return { contents: contents as unknown as WebContents, mainFrame };
}

function event(sender: WebContents, senderFrame: unknown): IpcMainInvokeEvent {
  return { sender, senderFrame } as unknown as IpcMainInvokeEvent;
}

function fakeIpcMain() {
  let registered: ((event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<BridgeResult>) | null = null;
  const ipcMain = {
    handle: vi.fn((channel: string, listener: typeof registered) => {
      expect(channel).toBe(IPC_CHANNELS.call);
      registered = listener;
    }),
    removeHandler: vi.fn(() => {
      registered = null;
    }),
  };
  const invoke = (e: IpcMainInvokeEvent, ...args: unknown[]) => {
    if (!registered) throw new Error('no handler');
    return registered(e, ...args);
  };
  return { ipcMain: ipcMain as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>, spies: ipcMain, invoke };
}

function fakeHandlers() {
  const info = vi.fn(async () => ({
    name: 'TeachPoint',
    version: '0.1.0',
    shell: 'electron' as const,
    platform: 'linux',
    arch: 'x64',
    nodeVersion: '16.17.1',
    electronVersion: '22.3.27',
    dataDir: '/data',
    safeMode: false,
  }));
  const scan = vi.fn(async ({ driveId }: { driveId: string }) => ({ driveId, packs: [] }));
  return { handlers: { 'app.info': info, 'drives.scan': scan } as unknown as BridgeHandlers, info, scan };
}

// ---- isTrustedSender (pure) ------------------------------------------------------------------

describe('isTrustedSender', () => {
  const ok = { alive: true, isMainFrame: true, isAppWindow: true, url: 'app://teachpoint/library' };

  it('trusts the app window main frame on the app origin', () => {
    expect(isTrustedSender(ok)).toBe(true);
  });

  it.each([
    ['a subframe', { ...ok, isMainFrame: false }],
    ['another window', { ...ok, isAppWindow: false }],
    ['a destroyed frame', { ...ok, alive: false }],
    ['another origin', { ...ok, url: 'https://evil.example/' }],
    ['a file: page', { ...ok, url: 'file:///tmp/x.html' }],
    ['another app host', { ...ok, url: 'app://other/' }],
    ['courseware', { ...ok, url: 'tp-media://teachpoint/courseware/' + 'a'.repeat(64) }],
  ])('refuses %s', (_name, frame) => {
    expect(isTrustedSender(frame)).toBe(false);
  });
});

describe('describeSender', () => {
  it('reads the main frame of the app window', () => {
    const { contents, mainFrame } = fakeWindow(1);
    expect(describeSender(event(contents, mainFrame), contents)).toEqual({ alive: true, isMainFrame: true, isAppWindow: true, url: 'app://teachpoint/' });
  });

  it('sees a subframe of the app window as not main', () => {
    const { contents, mainFrame } = fakeWindow(1);
    const sub: FakeFrame = { url: 'app://teachpoint/', parent: mainFrame, processId: 7, routingId: 99 };
    expect(describeSender(event(contents, sub), contents).isMainFrame).toBe(false);
  });

  it('sees another WebContents as not the app window', () => {
    const app = fakeWindow(1);
    const other = fakeWindow(2);
    const info = describeSender(event(other.contents, other.mainFrame), app.contents);
    expect(info.isAppWindow).toBe(false);
    expect(isTrustedSender(info)).toBe(false);
  });

  it('treats a null frame (current Electron), a throwing frame (Electron 22) and a detached frame as dead', () => {
    const { contents, mainFrame } = fakeWindow(1);
    expect(describeSender(event(contents, null), contents).alive).toBe(false);
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      parent: null,
      processId: 7,
      routingId: 1,
    };
    expect(describeSender(event(contents, disposed), contents).alive).toBe(false);
    expect(describeSender(event(contents, { ...mainFrame, detached: true }), contents).alive).toBe(false);
    expect(describeSender(event(contents, { ...mainFrame, isDestroyed: () => true }), contents).alive).toBe(false);
  });

  it('trusts nobody before the window exists', () => {
    const { contents, mainFrame } = fakeWindow(1);
    expect(isTrustedSender(describeSender(event(contents, mainFrame), null))).toBe(false);
  });
});

// ---- registerBridgeIpc end to end ------------------------------------------------------------

describe('registerBridgeIpc', () => {
  const app = fakeWindow(1);
  const trusted = (e: IpcMainInvokeEvent) => isTrustedSender(describeSender(e, app.contents));

  it('runs a valid call from the app main frame and returns the validated result', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    const { handlers, scan } = fakeHandlers();
    registerBridgeIpc(ipcMain, handlers, trusted);
    const result = await invoke(event(app.contents, app.mainFrame), 'drives.scan', { driveId: 'E:' });
    expect(result).toEqual({ ok: true, value: { driveId: 'E:', packs: [] } });
    expect(scan).toHaveBeenCalledWith({ driveId: 'E:' });
  });

  it('refuses an invalid payload with bridge.invalid-request before the handler runs', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    const { handlers, scan } = fakeHandlers();
    registerBridgeIpc(ipcMain, handlers, trusted);
    const result = await invoke(event(app.contents, app.mainFrame), 'drives.scan', { driveId: 42, extra: true });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('bridge.invalid-request');
    expect(scan).not.toHaveBeenCalled();
  });

  it('refuses an unknown method', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    registerBridgeIpc(ipcMain, fakeHandlers().handlers, trusted);
    const result = await invoke(event(app.contents, app.mainFrame), 'fs.readFile', { path: '/etc/passwd' });
    expect(!result.ok && result.error.code).toBe('bridge.unknown-method');
  });

  it.each([
    ['a subframe', () => event(app.contents, { url: 'app://teachpoint/', parent: app.mainFrame, processId: 7, routingId: 5 })],
    ['another origin', () => event(fakeWindow(1, 'https://evil.example/').contents, fakeWindow(1, 'https://evil.example/').mainFrame)],
    ['another window', () => event(fakeWindow(3).contents, fakeWindow(3).mainFrame)],
    ['a destroyed frame', () => event(app.contents, null)],
  ])('refuses %s with bridge.forbidden-sender and never calls the handler', async (_name, makeEvent) => {
    const { ipcMain, invoke } = fakeIpcMain();
    const { handlers, info } = fakeHandlers();
    registerBridgeIpc(ipcMain, handlers, trusted);
    const result = await invoke(makeEvent(), 'app.info', {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('bridge.forbidden-sender');
    expect(info).not.toHaveBeenCalled();
  });

  it('treats a throwing trust check as untrusted', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    const { handlers, info } = fakeHandlers();
    registerBridgeIpc(ipcMain, handlers, () => {
      throw new Error('boom');
    });
    expect(await invoke(event(app.contents, app.mainFrame), 'app.info', {})).toMatchObject({ ok: false, error: { code: 'bridge.forbidden-sender' } });
    expect(info).not.toHaveBeenCalled();
  });

  it('returns an unregister function that removes the channel handler', () => {
    const { ipcMain, spies } = fakeIpcMain();
    const unregister = registerBridgeIpc(ipcMain, fakeHandlers().handlers, trusted);
    unregister();
    expect(spies.removeHandler).toHaveBeenCalledWith(IPC_CHANNELS.call);
  });
});

// ---- events ------------------------------------------------------------------------------------

describe('forwardEventsToIpc', () => {
  function target(destroyed = false) {
    const sent: unknown[][] = [];
    const t: IpcEventTarget = { isDestroyed: () => destroyed, send: (...args: unknown[]) => void sent.push(args) };
    return { t, sent };
  }

  it('sends {event, payload} on the event channel as the host hub validated it (defaults applied)', () => {
    const hub = createEventHub(() => {});
    const a = target();
    const stop = forwardEventsToIpc(hub, () => [a.t]);
    hub.emit('drives.changed', { drives: [] } as never);
    stop();
    expect(a.sent).toEqual([[IPC_CHANNELS.event, { event: 'drives.changed', payload: { drives: [], arrived: [], left: [] } }]]);
  });

  it('never sees unknown events or invalid payloads (the hub drops them), and skips destroyed targets', () => {
    const problems: string[] = [];
    const hub = createEventHub((m) => problems.push(m));
    const a = target();
    const dead = target(true);
    const stop = forwardEventsToIpc(hub, () => [dead.t, a.t]);
    hub.emit('shell.exec' as never, {} as never);
    hub.emit('app.willQuit', { deadlineMs: 'soon' } as never);
    expect(a.sent).toEqual([]);
    expect(problems).toHaveLength(2);
    hub.emit('app.willQuit', { deadlineMs: 3000 });
    stop();
    expect(dead.sent).toEqual([]);
    expect(a.sent).toHaveLength(1);
  });

  it('forwards what the host hub publishes until unsubscribed', () => {
    const listeners = new Set<(e: HostEvent) => void>();
    const hub = {
      subscribe(listener: (e: HostEvent) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const a = target();
    const stop = forwardEventsToIpc(hub, () => [a.t]);
    for (const l of listeners) l({ name: 'app.heartbeat', payload: { at: '2025-01-01T00:00:00Z' } });
    stop();
    expect(listeners.size).toBe(0);
    expect(a.sent).toEqual([[IPC_CHANNELS.event, { event: 'app.heartbeat', payload: { at: '2025-01-01T00:00:00Z' } }]]);
  });
});
