import type { BridgeResult } from './dispatch';
import type { MaterialKind } from './methods/materials';

/** What the native file dialog may offer (pickFiles). */
export interface PickFilesRequest {
  kinds: MaterialKind[];
  multiple?: boolean;
}

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
  /**
   * The native "open file" dialog for 我的资料: absolute paths the teacher picked ([] when cancelled),
   * then handed to `materials.add`. Main validates the sender like the bridge. Optional: absent on
   * shells built before it existed (the renderer probes for it).
   */
  pickFiles?(request: PickFilesRequest): Promise<string[]>;
}

/** IPC channel names — the closed set the preload and main use. */
export const IPC_CHANNELS = {
  call: 'teachpoint:call',
  event: 'teachpoint:event',
  pickFiles: 'teachpoint:pick-files',
} as const;

export const PRELOAD_GLOBAL = 'teachpoint';
