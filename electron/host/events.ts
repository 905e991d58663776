import {
  bridgeEvents,
  isBridgeEventName,
  type BridgeEventName,
  type BridgeEventPayload,
  type BridgeEventSink,
} from '../../common/bridge/contract';
import { zodIssueLines } from '../../common/errors/zod-issues';

/** One validated event on its way to the transports. */
export interface HostEvent {
  name: BridgeEventName;
  /** Payload after contract validation (defaults applied). */
  payload: unknown;
}

export type HostEventListener = (event: HostEvent) => void;

/** The host's event fan-out: features emit, every transport (IPC, each SSE stream) subscribes. */
export interface EventHub extends BridgeEventSink {
  subscribe(listener: HostEventListener): () => void;
  /** Number of live subscribers (for tests and the quit handshake). */
  readonly listenerCount: number;
}

/**
 * Validate an event payload against the contract. Returns null (and logs) when it does not match,
 * so a host bug can never push malformed data into the renderer.
 */
export function validateBridgeEvent(name: unknown, payload: unknown, log: (msg: string) => void = console.warn): HostEvent | null {
  if (!isBridgeEventName(name)) {
    log(`[host] dropped unknown event ${String(name)}`);
    return null;
  }
  const parsed = bridgeEvents[name].payload.safeParse(payload);
  if (!parsed.success) {
    log(`[host] dropped event ${name} with an invalid payload (${zodIssueLines(parsed.error.issues).join('; ')})`);
    return null;
  }
  return { name, payload: parsed.data };
}

export function createEventHub(log: (msg: string) => void = console.warn): EventHub {
  const listeners = new Set<HostEventListener>();
  return {
    emit<E extends BridgeEventName>(name: E, payload: BridgeEventPayload<E>): void {
      const event = validateBridgeEvent(name, payload, log);
      if (!event) return;
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (err) {
          // One broken transport must not stop the others.
          log(`[host] event listener failed for ${name}: ${String(err)}`);
        }
      }
    },
    subscribe(listener: HostEventListener): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}
