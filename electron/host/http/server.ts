import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { dispatchBridgeCall } from '../../../common/bridge/dispatch';
import type { MediaResolver } from '../../../common/media/media';
import type { EventHub } from '../events';
import { createCoursewareServer } from './courseware-route';
import { serveMedia } from './media-route';
import { handleMaterialUpload, type MaterialUploadTarget } from './upload-route';
import { baseHeaders, COURSEWARE_CSP, sendBridgeError, sendError, sendJson, sendText, statusForError } from './respond';
import { bearerToken, createToken, hostHeaderAllowed, isLoopbackAddress, originAllowed, tokenMatches } from './security';
import { openEventStream } from './sse';
import { serveStatic } from './static-files';

/** Largest accepted bridge request body. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_HEARTBEAT_MS = 15_000;

export interface HttpTransportOptions {
  handlers: BridgeHandlers;
  events: EventHub;
  /** Resolves /media/<sha256>; null while no feature provides one (then /media answers 404). */
  media: MediaResolver | null;
  /** Built renderer (dist/renderer); null → a bilingual "not built" page. */
  staticDir: string | null;
  /** Interface to bind; 127.0.0.1 unless deliberately changed. */
  host?: string;
  /** 0 = ephemeral. */
  port?: number;
  /** Per-launch token; generated when omitted (tests pass a fixed one). */
  token?: string;
  heartbeatMs?: number;
  log?: (msg: string) => void;
  /** 我的资料 for `POST /api/materials/upload` (host.materials); absent → that route answers 400. */
  materials?: MaterialUploadTarget | null;
  /** Upload size limit (default 4 GiB; tests pass a small one). */
  maxUploadBytes?: number;
}

export interface HttpTransport {
  /** `http://127.0.0.1:<port>` — the app origin. */
  origin: string;
  /** `http://127.0.0.1:<port>/#token=<token>` — what the shell opens. */
  appUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * The HTTP transport of the bridge (node:http only; runs on Node 16).
 *
 *   GET  /                        built renderer, SPA fallback to index.html, strict CSP
 *   POST /api/bridge/<method>     Authorization: Bearer <token>, JSON body → {ok,value}|{ok:false,error}
 *   GET  /api/events?token=…      Server-Sent Events, first `app.heartbeat`, then every 15 s
 *   GET  /media/<sha256>?token=…  content-store blobs with byte ranges (HEAD too)
 *   GET  /courseware/<sha256>/…   entries of HTML5 courseware zips under a sandboxing CSP (no token, see courseware-route.ts)
 *   POST /api/materials/upload?name=…  Bearer token; a teacher's file streamed to disk, then 我的资料 (upload-route.ts)
 *
 * Every request: Host must be 127.0.0.1:<port> / localhost:<port> (DNS rebinding), an Origin, when
 * sent, must be the app origin. See docs/architecture.md § "HTTP API".
 */
export async function startHttpTransport(options: HttpTransportOptions): Promise<HttpTransport> {
  const bindHost = options.host ?? '127.0.0.1';
  const loopbackOnly = isLoopbackAddress(bindHost);
  const token = options.token ?? createToken();
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const log = options.log ?? ((msg: string) => console.warn(msg));
  const streams = new Set<() => void>();
  const sockets = new Set<Socket>();
  let port = 0;
  const courseware = createCoursewareServer(options.media, log);

  const server = http.createServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((err) => {
      log(`[http] ${req.method} ${req.url} failed: ${String(err)}`);
      if (!res.headersSent) sendBridgeError(res, 'bridge.internal', 500);
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const pathname = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
    const query = new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '');
    const isCourseware = pathname.startsWith('/courseware/');
    baseHeaders(res, isCourseware ? COURSEWARE_CSP : undefined);

    // Courseware runs sandboxed (origin "null"); its sub-requests are the only ones exempt from the Origin check.
    const originOk = isCourseware || originAllowed(headerOne(req.headers.origin), req.headers.host);
    if (!hostHeaderAllowed(req.headers.host, port, loopbackOnly) || !originOk) {
      sendBridgeError(res, 'bridge.forbidden-sender', 403);
      return;
    }

    if (pathname.startsWith('/api/bridge/')) return handleBridge(req, res, pathname.slice('/api/bridge/'.length));
    if (pathname === '/api/events') {
      if (!tokenMatches(token, query.get('token'))) return sendBridgeError(res, 'bridge.unauthorized', 401);
      if (req.method !== 'GET') return sendText(res, 405, 'Method not allowed', { Allow: 'GET' });
      const close = openEventStream(res, options.events, { heartbeatMs, log });
      streams.add(close);
      res.on('close', () => streams.delete(close));
      return;
    }
    if (pathname === '/api/materials/upload') {
      if (!tokenMatches(token, bearerToken(headerOne(req.headers.authorization)))) {
        req.resume();
        return sendBridgeError(res, 'bridge.unauthorized', 401);
      }
      return handleMaterialUpload(req, res, query, options.materials ?? null, {
        events: options.events,
        log,
        ...(options.maxUploadBytes !== undefined ? { maxBytes: options.maxUploadBytes } : {}),
      });
    }
    if (pathname.startsWith('/api/')) return sendText(res, 404, 'Not found');
    if (pathname.startsWith('/media/')) {
      if (!tokenMatches(token, query.get('token'))) return sendText(res, 401, 'Unauthorized');
      return serveMedia(req, res, options.media, pathname.slice('/media/'.length), log);
    }
    if (isCourseware) return courseware.serve(req, res, pathname.slice('/courseware/'.length));
    return serveStatic(req, res, options.staticDir, pathname);
  }

  async function handleBridge(req: http.IncomingMessage, res: http.ServerResponse, rawMethod: string): Promise<void> {
    // The token is checked before anything else about the request.
    if (!tokenMatches(token, bearerToken(headerOne(req.headers.authorization)))) {
      req.resume();
      return sendBridgeError(res, 'bridge.unauthorized', 401);
    }
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('Allow', 'POST');
      return sendBridgeError(res, 'bridge.invalid-request', 405, { reason: 'method-not-allowed' });
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json') {
      req.resume();
      return sendBridgeError(res, 'bridge.invalid-request', 415, { reason: 'content-type', expected: 'application/json' });
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      res.setHeader('Connection', 'close');
      req.resume();
      return sendBridgeError(res, 'bridge.invalid-request', 413, { reason: 'too-large', maxBytes: MAX_BODY_BYTES });
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === 'too-large') {
      res.setHeader('Connection', 'close');
      return sendBridgeError(res, 'bridge.invalid-request', 413, { reason: 'too-large', maxBytes: MAX_BODY_BYTES });
    }
    let payload: unknown = {};
    if (body.length > 0) {
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        return sendBridgeError(res, 'bridge.invalid-request', 400, { reason: 'json' });
      }
    }
    let method: string;
    try {
      method = decodeURIComponent(rawMethod);
    } catch {
      method = rawMethod;
    }
    const result = await dispatchBridgeCall(options.handlers, method, payload);
    if (result.ok) sendJson(res, 200, result);
    else sendError(res, result.error, statusForError(result.error.code));
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const displayHost = loopbackOnly || bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  const origin = `http://${displayHost}:${port}`;

  return {
    origin,
    appUrl: `${origin}/#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const close of [...streams]) close();
        server.close(() => resolve());
        // Node 16 has no closeAllConnections(): end idle keep-alive sockets ourselves.
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function headerOne(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      total += chunk.length;
      if (total > limit) {
        over = true;
        chunks.length = 0;
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}
