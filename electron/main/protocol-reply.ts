import { createReadStream } from 'fs';
import { PassThrough, Readable } from 'stream';

/**
 * A protocol response described as data, so one planner serves both Electron lines:
 * toWebResponse() for `protocol.handle` (current Electron), toStreamResponse() for
 * `protocol.registerStreamProtocol` (Electron 22).
 */
export type ReplyBody =
  | { kind: 'file'; path: string; start: number; end: number }
  | { kind: 'text'; text: string }
  /** Produced on demand, e.g. a deflated courseware zip entry being inflated. */
  | { kind: 'stream'; open: () => Readable };

export interface ProtocolReply {
  status: number;
  headers: Record<string, string>;
  /** null: no body (HEAD, 304, empty file). */
  body: ReplyBody | null;
}

export function textReply(status: number, text: string, headers: Record<string, string> = {}): ProtocolReply {
  return {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers },
    body: { kind: 'text', text },
  };
}

/** Case-insensitive header lookup over the plain object Electron 22 hands to stream handlers. */
export function headerValue(headers: Record<string, string> | undefined, name: string): string | null {
  if (!headers) return null;
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === wanted) return headers[key] ?? null;
  }
  return null;
}

function openBody(body: ReplyBody | null): Readable {
  if (body === null) {
    const empty = new PassThrough();
    empty.end();
    return empty;
  }
  if (body.kind === 'text') return Readable.from([Buffer.from(body.text, 'utf8')]);
  if (body.kind === 'stream') return body.open();
  // 64 KiB chunks: big enough for 720p video, small enough that a seek abandons little.
  return createReadStream(body.path, { start: body.start, end: body.end, highWaterMark: 64 * 1024 });
}

// ---- Electron 22: registerStreamProtocol ------------------------------------------------------

export interface StreamProtocolResponse {
  statusCode: number;
  headers: Record<string, string>;
  data: NodeJS.ReadableStream;
}

export function toStreamResponse(reply: ProtocolReply): StreamProtocolResponse {
  return { statusCode: reply.status, headers: reply.headers, data: openBody(reply.body) };
}

// ---- current Electron: protocol.handle (WHATWG Request/Response) ------------------------------
// @types/node 16 has no Request/Response; these are the few members we use (the DOM lib stays
// out of the Node 16 type-check on purpose).

export interface WebRequestLike {
  readonly url: string;
  readonly method: string;
  readonly headers: { get(name: string): string | null };
}

export interface WebResponseLike {
  readonly status: number;
}

export type WebResponseConstructor = new (
  body: unknown,
  init: { status: number; headers: Record<string, string> },
) => WebResponseLike;

type ReadableWithToWeb = typeof Readable & { toWeb?: (stream: Readable) => unknown };

/** Builds a WHATWG Response; `Readable.toWeb` exists on Node ≥ 17, i.e. every Electron with protocol.handle. */
export function toWebResponse(reply: ProtocolReply, ResponseCtor: WebResponseConstructor = globalResponse()): WebResponseLike {
  const init = { status: reply.status, headers: reply.headers };
  if (reply.body === null) return new ResponseCtor(null, init);
  if (reply.body.kind === 'text') return new ResponseCtor(reply.body.text, init);
  const toWeb = (Readable as ReadableWithToWeb).toWeb;
  if (typeof toWeb !== 'function') throw new Error('Readable.toWeb is missing: protocol.handle needs Node 17+');
  return new ResponseCtor(toWeb(openBody(reply.body)), init);
}

function globalResponse(): WebResponseConstructor {
  const ctor = (globalThis as { Response?: WebResponseConstructor }).Response;
  if (typeof ctor !== 'function') throw new Error('global Response is missing: protocol.handle needs a current Electron');
  return ctor;
}
