import {
  isBridgeEventName,
  type BridgeEventName,
  type BridgeEventPayload,
  type BridgeMethodName,
  type BridgeRequest,
  type BridgeResponse,
} from '../../../common/bridge/contract';
import { bridgeError } from '../../../common/bridge/errors';
import { TeachPointError } from '../../../common/errors/errors';
import { STICKY_EVENTS, timeoutFor, type CallOptions, type RendererBridge } from './types';
import { parseEvent, unwrapResult, withTimeout } from './validate';

export interface HttpBridgeOptions {
  /** Per-launch token from the URL fragment (see token.ts); null → every call gets bridge.unauthorized. */
  token: string | null;
  /** Origin + path prefix of the host; '' = same origin (the host serves the renderer). */
  baseUrl?: string;
  fetchImpl?: typeof fetch;
  EventSourceImpl?: typeof EventSource;
  /** First reconnect delay after the event stream is closed for good (EventSource retries transient drops itself). */
  reconnectMs?: number;
}

type Listener = (payload: unknown) => void;

/**
 * Browser transport: `POST /api/bridge/<method>` with `Authorization: Bearer <token>`, answers
 * `{ok,value}` / `{ok:false,error}` (also on 4xx/5xx), and one Server-Sent Events stream
 * `GET /api/events?token=…` carrying `event: <name>` / `data: <json>`.
 */
export class HttpBridge implements RendererBridge {
  readonly transport = 'http' as const;
  /** Also needed for media URLs (<video> cannot send headers), see WebPlatform. */
  readonly token: string | null;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly EventSourceImpl: typeof EventSource | undefined;
  private readonly listeners = new Map<BridgeEventName, Set<Listener>>();
  private source: EventSource | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectDelay: number;
  private disposed = false;
  private readonly sticky = new Map<BridgeEventName, unknown>();

  constructor(private readonly options: HttpBridgeOptions) {
    this.token = options.token;
    this.baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    this.fetchImpl = options.fetchImpl ?? window.fetch.bind(window);
    this.EventSourceImpl = options.EventSourceImpl ?? (typeof EventSource === 'function' ? EventSource : undefined);
    this.reconnectDelay = options.reconnectMs ?? 2000;
  }

  async call<M extends BridgeMethodName>(method: M, request: BridgeRequest<M>, options?: CallOptions): Promise<BridgeResponse<M>> {
    const controller = new AbortController();
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;

    const exchange = async (): Promise<unknown> => {
      let response: Response;
      try {
        response = await this.fetchImpl(`${this.baseUrl}/api/bridge/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(request ?? {}),
          signal: controller.signal,
          cache: 'no-store',
          credentials: 'same-origin',
        });
      } catch (err) {
        if (controller.signal.aborted) throw bridgeError('bridge.timeout', { method });
        throw bridgeError('bridge.transport', { method, reason: err instanceof Error ? err.message : String(err) });
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        if (controller.signal.aborted) throw bridgeError('bridge.timeout', { method });
        if (response.status === 401) throw bridgeError('bridge.unauthorized', { method, status: 401 });
        throw bridgeError('bridge.transport', { method, status: response.status, reason: 'not-json' });
      }
      return body;
    };

    const body = await withTimeout(exchange(), timeoutFor(method, options), method, () => controller.abort());
    try {
      return unwrapResult(method, body);
    } catch (err) {
      if (err instanceof TeachPointError) throw err;
      throw bridgeError('bridge.transport', { method });
    }
  }

  on<E extends BridgeEventName>(event: E, listener: (payload: BridgeEventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    const isNewEvent = !set;
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const wrapped: Listener = (raw) => {
      const payload = parseEvent(event, raw);
      if (payload !== null) listener(payload);
    };
    set.add(wrapped);
    if (!this.source) this.connect();
    else if (isNewEvent && !STICKY_EVENTS.includes(event)) this.listen(this.source, event);
    if (this.sticky.has(event)) {
      const last = this.sticky.get(event);
      queueMicrotask(() => {
        if (set!.has(wrapped)) wrapped(last);
      });
    }
    return () => {
      set!.delete(wrapped);
    };
  }

  dispose(): void {
    this.disposed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.source?.close();
    this.source = null;
    this.listeners.clear();
  }

  /** Open the one event stream and attach a handler for every event name anyone listens to. */
  private connect(): void {
    if (this.disposed || !this.EventSourceImpl) return;
    const token = this.options.token ? `?token=${encodeURIComponent(this.options.token)}` : '';
    const source = new this.EventSourceImpl(`${this.baseUrl}/api/events${token}`);
    this.source = source;
    const names = new Set<BridgeEventName>([...this.listeners.keys(), ...STICKY_EVENTS]);
    for (const name of names) this.listen(source, name);
    source.addEventListener('open', () => {
      this.reconnectDelay = this.options.reconnectMs ?? 2000;
    });
    source.addEventListener('error', () => {
      // Transient drops: EventSource reconnects by itself (readyState CONNECTING). A refused stream
      // (401, host restarted with a new port…) ends CLOSED: retry with capped backoff.
      if (source.readyState !== 2 /* CLOSED */ || this.disposed) return;
      this.source = null;
      const delay = this.reconnectDelay;
      this.reconnectDelay = Math.min(delay * 2, 60_000);
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        if (this.listeners.size > 0) this.connect();
      }, delay);
    });
  }

  private listen(source: EventSource, name: BridgeEventName): void {
    source.addEventListener(name, (ev) => {
      if (this.source !== source) return;
      let data: unknown;
      try {
        data = JSON.parse((ev as MessageEvent<string>).data);
      } catch {
        console.warn(`[bridge] dropped non-JSON ${name} event`);
        return;
      }
      if (!isBridgeEventName(name)) return;
      if (STICKY_EVENTS.includes(name)) this.sticky.set(name, data);
      for (const l of [...(this.listeners.get(name) ?? [])]) l(data);
    });
  }
}
