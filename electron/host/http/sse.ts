import type { ServerResponse } from 'http';
import type { EventHub, HostEvent } from '../events';
import { validateBridgeEvent } from '../events';

export interface SseOptions {
  heartbeatMs: number;
  log: (msg: string) => void;
}

/** Format one Server-Sent Event. JSON never contains a raw newline, so one data line suffices. */
export function formatSse(event: HostEvent): string {
  return `event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`;
}

/**
 * GET /api/events: a text/event-stream fed by the event hub. First event is `app.heartbeat`, then
 * one every `heartbeatMs`. Payloads were validated by the hub; the heartbeat is validated here.
 * Returns a function that ends the stream (used on server close).
 */
export function openEventStream(res: ServerResponse, hub: EventHub, options: SseOptions): () => void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  // Reconnect quickly after a host restart.
  res.write('retry: 2000\n\n');

  const write = (event: HostEvent | null) => {
    if (event && !res.writableEnded && !res.destroyed) res.write(formatSse(event));
  };
  const heartbeat = () => write(validateBridgeEvent('app.heartbeat', { at: new Date().toISOString() }, options.log));
  heartbeat();
  const timer = setInterval(heartbeat, options.heartbeatMs);
  timer.unref?.();
  const unsubscribe = hub.subscribe(write);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    unsubscribe();
    if (!res.writableEnded) res.end();
  };
  res.on('close', close);
  return close;
}
