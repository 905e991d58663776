import { HttpBridge } from './http-bridge';
import { getPreloadApi, IpcBridge } from './ipc-bridge';
import { takeBridgeToken } from './token';
import type { RendererBridge } from './types';

/**
 * Pick the transport once, by feature detection: the Electron preload's `window.teachpoint` → IPC;
 * otherwise the host's HTTP transport on this origin (token taken from, then stripped out of, the
 * URL fragment). Called from the entry file only, before the router reads the URL.
 */
export function createBridge(win: Window = window): RendererBridge {
  const api = getPreloadApi(win);
  if (api) return new IpcBridge(api);
  return new HttpBridge({ token: takeBridgeToken() });
}
