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

/**
 * Names only — what the sandboxed preload may know about the contract. The preload must not import
 * `./contract` (it would pull zod, the pack manifest schema and Ed25519 into every window: ~96 KB
 * minified); `scripts/build-electron.mjs` fails the build if it does. `preload-api.test.ts` keeps
 * these tuples equal to the keys of `bridgeMethods`/`bridgeEvents` (a type test and a run-time one):
 * adding a method or event to the contract means adding its name here too.
 */
export const BRIDGE_METHOD_NAME_LIST = [
  'app.info',
  'app.setSafeMode',
  'app.flushed',
  'storage.usage',
  'drives.list',
  'drives.scan',
  'packs.list',
  'packs.import',
  'packs.cancelImport',
  'packs.remove',
  'packs.export',
  'lessons.manifest',
  'materials.list',
  'materials.add',
  'materials.attach',
  'materials.detach',
  'materials.remove',
  'teacher.status',
  'teacher.setPin',
  'teacher.unlock',
  'teacher.resetPin',
  'teacher.touch',
  'teacher.lock',
  'sync.status',
  'sync.enroll',
  'sync.enrollFromFile',
  'sync.request',
  'sync.forget',
  'sync.setClassHours',
  'bundles.progressBegin',
  'bundles.progressAppend',
  'bundles.progressFinish',
  'bundles.progressAbort',
  'bundles.scanInbound',
  'bundles.importInbound',
  'downloads.start',
  'downloads.list',
  'downloads.cancel',
  'downloads.setBandwidth',
  'downloads.addTrust',
] as const;

export const BRIDGE_EVENT_NAME_LIST = [
  'app.heartbeat',
  'app.willQuit',
  'drives.changed',
  'drives.packsFound',
  'packs.importProgress',
  'packs.changed',
  'materials.progress',
  'materials.changed',
  'downloads.progress',
] as const;

export type BridgeMethodNameLite = (typeof BRIDGE_METHOD_NAME_LIST)[number];
export type BridgeEventNameLite = (typeof BRIDGE_EVENT_NAME_LIST)[number];

const EVENT_NAMES: ReadonlySet<string> = new Set(BRIDGE_EVENT_NAME_LIST);

/** Same answer as contract.ts's isBridgeEventName, without the schemas. */
export function isBridgeEventNameLite(name: unknown): name is BridgeEventNameLite {
  return typeof name === 'string' && EVENT_NAMES.has(name);
}
