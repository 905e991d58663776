import type { BridgeClient, BridgeEventName, BridgeMethodName, BridgeRequest, BridgeResponse } from '../../../common/bridge/contract';

export interface CallOptions {
  /** Override the per-method timeout (ms). Every call has one; see DEFAULT_TIMEOUTS. */
  timeoutMs?: number;
}

/**
 * What the renderer talks to. The common BridgeClient plus per-call options; both transports
 * implement it, so features never know whether IPC or HTTP is underneath.
 */
export interface RendererBridge extends BridgeClient {
  call<M extends BridgeMethodName>(method: M, request: BridgeRequest<M>, options?: CallOptions): Promise<BridgeResponse<M>>;
  /** Stop timers and event streams (tests, reload). */
  dispose(): void;
}

/**
 * Events whose latest payload describes current state, replayed to a listener that subscribes after
 * it arrived (the host sends `app.heartbeat` first on every stream, often before React has mounted
 * the component that listens). Never add one-shot commands such as `app.willQuit` here.
 */
export const STICKY_EVENTS: readonly BridgeEventName[] = ['app.heartbeat'];

/** Default timeout of a call, in ms. */
export const DEFAULT_CALL_TIMEOUT_MS = 15_000;

/**
 * Calls that legitimately run long. An import of a 20 GB stick at USB-2 speed takes most of an
 * hour; progress arrives as events meanwhile, and cancel is its own (short) call.
 */
export const METHOD_TIMEOUTS_MS: Partial<Record<BridgeMethodName, number>> = {
  'drives.scan': 60_000,
  'packs.import': 6 * 60 * 60_000,
  'packs.export': 6 * 60 * 60_000,
  'packs.remove': 10 * 60_000,
  // Converting a teacher's long video on an old PC can take most of an hour (progress arrives as events).
  'materials.add': 6 * 60 * 60_000,
  'materials.remove': 10 * 60_000,
  'lessons.manifest': 60_000,
  // Installs the packs an inbound USB bundle carries (packs.importProgress events meanwhile).
  'bundles.importInbound': 6 * 60 * 60_000,
  // Verifies every inbound bundle on a slow stick; finishing fsyncs the bundle on it.
  'bundles.scanInbound': 60_000,
  'bundles.progressFinish': 60_000,
};

export function timeoutFor(method: BridgeMethodName, options?: CallOptions): number {
  return options?.timeoutMs ?? METHOD_TIMEOUTS_MS[method] ?? DEFAULT_CALL_TIMEOUT_MS;
}
