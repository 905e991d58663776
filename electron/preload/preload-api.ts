import type { BridgeResult } from '../../common/bridge/dispatch';
import { bridgeError } from '../../common/bridge/errors';
import {
  IPC_CHANNELS,
  isBridgeEventNameLite as isBridgeEventName,
  type BridgeEventNameLite as BridgeEventName,
  type PickFilesRequest,
  type TeachPointPreloadApi,
} from '../../common/bridge/preload-api';

/** The part of ipcRenderer the preload uses — and nothing else of it ever reaches the page. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

function isBridgeResult(value: unknown): value is BridgeResult {
  if (!value || typeof value !== 'object') return false;
  const v = value as { ok?: unknown; error?: unknown };
  if (v.ok === true) return 'value' in v;
  return v.ok === false && !!v.error && typeof v.error === 'object' && typeof (v.error as { code?: unknown }).code === 'string';
}

/**
 * Builds `window.teachpoint` from an ipcRenderer. Only the contract channels are used (call, event, pick-files); the
 * page gets promises of plain BridgeResults and event payloads — never ipcRenderer, never the
 * IpcRendererEvent (it carries `sender`), never a way to name another channel.
 */
export function createPreloadApi(ipc: IpcRendererLike, log: (message: string) => void = () => {}): TeachPointPreloadApi {
  const listeners = new Map<BridgeEventName, Set<(payload: unknown) => void>>();
  let attached = false;

  const onEvent = (_event: unknown, message: unknown): void => {
    if (!message || typeof message !== 'object') return;
    const { event, payload } = message as { event?: unknown; payload?: unknown };
    if (!isBridgeEventName(event)) return;
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (err) {
        log(`[teachpoint] listener for ${event} failed: ${String(err)}`);
      }
    }
  };

  const total = (): number => [...listeners.values()].reduce((n, set) => n + set.size, 0);

  return Object.freeze({
    apiVersion: 1 as const,
    async call(method: string, payload: unknown): Promise<BridgeResult> {
      if (typeof method !== 'string') {
        return { ok: false, error: bridgeError('bridge.invalid-request', { reason: 'method name must be a string' }).toData() };
      }
      try {
        const result = await ipc.invoke(IPC_CHANNELS.call, method, payload);
        if (isBridgeResult(result)) return result;
        return { ok: false, error: bridgeError('bridge.transport', { method, reason: 'malformed reply' }).toData() };
      } catch (err) {
        // e.g. the main process has not registered the bridge (yet) or payload could not be cloned
        return { ok: false, error: bridgeError('bridge.transport', { method, reason: String(err) }).toData() };
      }
    },
    /** Native file dialog (main checks the sender); only path strings come back. */
    async pickFiles(request: PickFilesRequest): Promise<string[]> {
      const kinds = Array.isArray(request?.kinds) ? request.kinds.filter((k) => typeof k === 'string') : [];
      const result = await ipc.invoke(IPC_CHANNELS.pickFiles, { kinds, multiple: request?.multiple === true });
      return Array.isArray(result) ? result.filter((p): p is string => typeof p === 'string') : [];
    },
    subscribe(event: string, listener: (payload: unknown) => void): () => void {
      if (!isBridgeEventName(event)) throw new TypeError(`Unknown TeachPoint event: ${String(event)}`);
      if (typeof listener !== 'function') throw new TypeError('TeachPoint subscribe: listener must be a function');
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      // Wrap so that subscribing the same function twice gives two independent subscriptions.
      const entry = (payload: unknown) => listener(payload);
      set.add(entry);
      if (!attached) {
        ipc.on(IPC_CHANNELS.event, onEvent);
        attached = true;
      }
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        set?.delete(entry);
        if (attached && total() === 0) {
          ipc.removeListener(IPC_CHANNELS.event, onEvent);
          attached = false;
        }
      };
    },
  });
}
