import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../common/bridge/preload-api';
import { createPreloadApi, type IpcRendererLike } from './preload-api';

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeIpcRenderer(reply: (channel: string, ...args: unknown[]) => Promise<unknown> = async () => ({ ok: true, value: {} })) {
  const listeners = new Map<string, Set<Listener>>();
  const ipc = {
    invoke: vi.fn(reply),
    on: vi.fn((channel: string, l: Listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    }),
    removeListener: vi.fn((channel: string, l: Listener) => listeners.get(channel)?.delete(l)),
  };
  // What main's webContents.send does: the renderer listener gets (IpcRendererEvent, message).
  const emit = (message: unknown) => {
    const ipcEvent = { sender: { secret: 'ipcRenderer' }, senderId: 0 };
    for (const l of listeners.get(IPC_CHANNELS.event) ?? []) l(ipcEvent, message);
  };
  return { ipc: ipc as IpcRendererLike, spies: ipc, emit, listeners };
}

describe('createPreloadApi', () => {
  it('has exactly the contract shape, frozen', () => {
    const api = createPreloadApi(fakeIpcRenderer().ipc);
    expect(Object.keys(api).sort()).toEqual(['apiVersion', 'call', 'pickFiles', 'subscribe']);
    expect(api.apiVersion).toBe(1);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('calls over the one call channel and returns the BridgeResult', async () => {
    const f = fakeIpcRenderer(async () => ({ ok: true, value: { driveId: 'E:', packs: [] } }));
    const api = createPreloadApi(f.ipc);
    expect(await api.call('drives.scan', { driveId: 'E:' })).toEqual({ ok: true, value: { driveId: 'E:', packs: [] } });
    expect(f.spies.invoke).toHaveBeenCalledWith(IPC_CHANNELS.call, 'drives.scan', { driveId: 'E:' });
  });

  it('refuses a non-string method name without touching IPC', async () => {
    const f = fakeIpcRenderer();
    const api = createPreloadApi(f.ipc);
    const result = await api.call(42 as unknown as string, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'bridge.invalid-request' } });
    expect(f.spies.invoke).not.toHaveBeenCalled();
  });

  it('turns IPC failures and malformed replies into bridge.transport results', async () => {
    const failing = createPreloadApi(fakeIpcRenderer(() => Promise.reject(new Error("No handler registered for 'teachpoint:call'"))).ipc);
    expect(await failing.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'bridge.transport' } });
    const garbled = createPreloadApi(fakeIpcRenderer(async () => 'hello').ipc);
    expect(await garbled.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'bridge.transport' } });
  });

  it('passes only the payload to listeners, never the IpcRendererEvent', () => {
    const f = fakeIpcRenderer();
    const api = createPreloadApi(f.ipc);
    const listener = vi.fn();
    api.subscribe('app.willQuit', listener);
    f.emit({ event: 'app.willQuit', payload: { deadlineMs: 3000 } });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([{ deadlineMs: 3000 }]);
  });

  it('routes by event name and ignores unknown or malformed messages', () => {
    const f = fakeIpcRenderer();
    const api = createPreloadApi(f.ipc);
    const quit = vi.fn();
    const drives = vi.fn();
    api.subscribe('app.willQuit', quit);
    api.subscribe('drives.changed', drives);
    f.emit({ event: 'drives.changed', payload: { drives: [] } });
    f.emit({ event: 'shell.exec', payload: {} });
    f.emit('app.willQuit');
    f.emit(null);
    expect(drives).toHaveBeenCalledTimes(1);
    expect(quit).not.toHaveBeenCalled();
  });

  it('refuses unknown event names and non-function listeners', () => {
    const api = createPreloadApi(fakeIpcRenderer().ipc);
    expect(() => api.subscribe('teachpoint:call', () => {})).toThrow(TypeError);
    expect(() => api.subscribe('app.heartbeat', 'alert(1)' as unknown as () => void)).toThrow(TypeError);
  });

  it('attaches one IPC listener on the event channel only, and removes it after the last unsubscribe', () => {
    const f = fakeIpcRenderer();
    const api = createPreloadApi(f.ipc);
    const a = vi.fn();
    const offA = api.subscribe('app.heartbeat', a);
    const offB = api.subscribe('app.heartbeat', a); // same function twice: two subscriptions
    expect(f.spies.on).toHaveBeenCalledTimes(1);
    expect(f.spies.on.mock.calls[0]?.[0]).toBe(IPC_CHANNELS.event);
    f.emit({ event: 'app.heartbeat', payload: { at: 'now' } });
    expect(a).toHaveBeenCalledTimes(2);
    offA();
    offA(); // idempotent
    f.emit({ event: 'app.heartbeat', payload: { at: 'later' } });
    expect(a).toHaveBeenCalledTimes(3);
    offB();
    expect(f.spies.removeListener).toHaveBeenCalledWith(IPC_CHANNELS.event, expect.any(Function));
    expect(f.listeners.get(IPC_CHANNELS.event)?.size).toBe(0);
  });

  it('keeps delivering to other listeners when one throws', () => {
    const f = fakeIpcRenderer();
    const log = vi.fn();
    const api = createPreloadApi(f.ipc, log);
    const good = vi.fn();
    api.subscribe('app.heartbeat', () => {
      throw new Error('bad listener');
    });
    api.subscribe('app.heartbeat', good);
    f.emit({ event: 'app.heartbeat', payload: { at: 'now' } });
    expect(good).toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('bad listener'));
  });
});
