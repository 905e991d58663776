import type {
  BridgeEventName,
  BridgeEventPayload,
  BridgeHandlers,
  BridgeMethodName,
  BridgeRequest,
  BridgeResponse,
} from '../../../common/bridge/contract';
import { dispatchBridgeCall } from '../../../common/bridge/dispatch';
import { bridgeError } from '../../../common/bridge/errors';
import { TeachPointError } from '../../../common/errors/errors';
import type { AppInfo } from '../../../common/bridge/methods/app';
import type { StorageUsage } from '../../../common/bridge/methods/storage';
import type { RendererBridge } from '../bridge/types';

/**
 * An in-page bridge for component tests: handlers run through the real dispatcher (so requests and
 * responses are validated exactly as the host would), events are emitted by the test.
 */
export class FakeBridge implements RendererBridge {
  readonly transport = 'http' as const;
  readonly calls: { method: BridgeMethodName; request: unknown }[] = [];
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(private readonly handlers: Partial<BridgeHandlers>) {}

  async call<M extends BridgeMethodName>(method: M, request: BridgeRequest<M>): Promise<BridgeResponse<M>> {
    this.calls.push({ method, request });
    const handler = this.handlers[method];
    if (!handler) throw bridgeError('bridge.unknown-method', { method });
    const result = await dispatchBridgeCall({ [method]: handler } as unknown as BridgeHandlers, method, request);
    if (!result.ok) throw TeachPointError.fromData(result.error);
    return result.value as BridgeResponse<M>;
  }

  on<E extends BridgeEventName>(event: E, listener: (payload: BridgeEventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => set!.delete(l);
  }

  emit<E extends BridgeEventName>(event: E, payload: BridgeEventPayload<E>): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) l(payload);
  }

  listenerCount(event: BridgeEventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  dispose(): void {
    this.listeners.clear();
  }
}

export const sampleInfo: AppInfo = {
  name: 'TeachPoint',
  version: '0.1.0-test',
  shell: 'browser',
  platform: 'linux',
  arch: 'x64',
  nodeVersion: 'v16.17.1',
  electronVersion: null,
  dataDir: '/tmp/tp-data',
  safeMode: false,
};

export const sampleStorage: StorageUsage = {
  dataDir: '/tmp/tp-data',
  totalBytes: 250 * 1024 ** 3,
  freeBytes: 12.3 * 1024 ** 3,
  usedByAppBytes: 1.5 * 1024 ** 3,
};

/** Deferred helper (Promise.withResolvers is Chrome 119; we target 108). */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
