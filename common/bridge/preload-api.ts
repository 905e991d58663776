import type { BridgeResult } from './dispatch';

/**
 * What electron/preload exposes as `window.teachpoint` (contextBridge). Deliberately tiny:
 * one call channel and one subscription channel, both checked against the contract on the
 * host side; never raw ipcRenderer, never the IpcRendererEvent (it carries the sender).
 */
export interface TeachPointPreloadApi {
  readonly apiVersion: 1;
  call(method: string, payload: unknown): Promise<BridgeResult>;
  /** Listener receives only the validated payload. Returns an unsubscribe function. */
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

/** IPC channel names — the closed set the preload and main use. */
export const IPC_CHANNELS = {
  call: 'teachpoint:call',
  event: 'teachpoint:event',
} as const;

export const PRELOAD_GLOBAL = 'teachpoint';
