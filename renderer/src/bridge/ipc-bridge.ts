import type {
  BridgeEventName,
  BridgeEventPayload,
  BridgeMethodName,
  BridgeRequest,
  BridgeResponse,
} from '../../../common/bridge/contract';
import { bridgeError } from '../../../common/bridge/errors';
import { PRELOAD_GLOBAL, type TeachPointPreloadApi } from '../../../common/bridge/preload-api';
import { TeachPointError } from '../../../common/errors/errors';
import { STICKY_EVENTS, timeoutFor, type CallOptions, type RendererBridge } from './types';
import { parseEvent, unwrapResult, withTimeout } from './validate';

/** The preload global, if this page runs inside the Electron shell. */
export function getPreloadApi(win: Window = window): TeachPointPreloadApi | null {
  const api = (win as unknown as Record<string, unknown>)[PRELOAD_GLOBAL] as TeachPointPreloadApi | undefined;
  if (api && typeof api === 'object' && typeof api.call === 'function' && typeof api.subscribe === 'function') return api;
  return null;
}

/** Electron transport: `window.teachpoint` (contextBridge) → ipcMain, validated on both sides. */
export class IpcBridge implements RendererBridge {
  readonly transport = 'ipc' as const;
  private readonly unsubscribers = new Set<() => void>();
  private readonly sticky = new Map<BridgeEventName, unknown>();

  constructor(private readonly api: TeachPointPreloadApi) {
    // Remember sticky events from the start, so late subscribers get the latest one.
    for (const name of STICKY_EVENTS) this.api.subscribe(name, (raw) => this.sticky.set(name, raw));
  }

  async call<M extends BridgeMethodName>(method: M, request: BridgeRequest<M>, options?: CallOptions): Promise<BridgeResponse<M>> {
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(this.api.call(method, request ?? {}));
    } catch (err) {
      throw toTransportError(method, err);
    }
    const result = await withTimeout(
      pending.catch((err: unknown) => {
        throw toTransportError(method, err);
      }),
      timeoutFor(method, options),
      method,
    );
    return unwrapResult(method, result);
  }

  on<E extends BridgeEventName>(event: E, listener: (payload: BridgeEventPayload<E>) => void): () => void {
    const off = this.api.subscribe(event, (raw) => {
      const payload = parseEvent(event, raw);
      if (payload !== null) listener(payload);
    });
    const unsubscribe = () => {
      if (this.unsubscribers.delete(unsubscribe)) off();
    };
    this.unsubscribers.add(unsubscribe);
    if (this.sticky.has(event)) {
      const last = this.sticky.get(event);
      queueMicrotask(() => {
        if (!this.unsubscribers.has(unsubscribe)) return;
        const payload = parseEvent(event, last);
        if (payload !== null) listener(payload);
      });
    }
    return unsubscribe;
  }

  dispose(): void {
    for (const off of [...this.unsubscribers]) off();
  }
}

function toTransportError(method: string, err: unknown): TeachPointError {
  if (err instanceof TeachPointError) return err;
  return bridgeError('bridge.transport', { method, reason: err instanceof Error ? err.message : String(err) });
}
