/**
 * A `SyncTransport` over `fetch`, holding the device token itself: for tests, benches and a school
 * hub's tools. The app never uses it in the renderer (the token stays with the host; see the
 * `sync.request` bridge method) — but its behaviour is the same: hard timeout, status 0 for no answer.
 */
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../protocol/index';
import { gzip, utf8 } from './gzip';
import type { SyncTransport, SyncTransportResponse } from './transport';

export interface FetchTransportOptions {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
}

/** Bytes of a header block as HTTP/1.1 writes it ("name: value\r\n" each, plus the blank line). */
function headerBytes(headers: Iterable<[string, string]>): number {
  let n = 2;
  for (const [k, v] of headers) n += k.length + v.length + 4;
  return n;
}

export function createFetchTransport(options: FetchTransportOptions): SyncTransport {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  return {
    async request(path, body, { gzip: compress, timeoutMs }): Promise<SyncTransportResponse> {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), 'accept-encoding': 'gzip' };
      let payload: Uint8Array<ArrayBuffer> | undefined;
      if (body !== null) {
        headers['content-type'] = 'application/json';
        payload = utf8(body);
        if (compress) {
          payload = await gzip(payload);
          headers['content-encoding'] = 'gzip';
        }
        headers['content-length'] = String(payload.byteLength);
      }
      const url = new URL(base + path);
      const requestBytes = `${body === null ? 'GET' : 'POST'} ${url.pathname} HTTP/1.1\r\n`.length + headerBytes(Object.entries(headers)) + `host: ${url.host}\r\n`.length + (payload?.byteLength ?? 0);
      try {
        const res = await doFetch(url, { method: body === null ? 'GET' : 'POST', headers, body: payload, signal: controller.signal });
        const text = await res.text();
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        const answerHeaders: Record<string, string> = {};
        res.headers.forEach((v, k) => (answerHeaders[k] = v));
        const bodyBytes = Number(answerHeaders['content-length'] ?? utf8(text).byteLength);
        const responseBytes = `HTTP/1.1 ${res.status} ${res.statusText}\r\n`.length + headerBytes(Object.entries(answerHeaders)) + bodyBytes;
        return { status: res.status, body: parsed, headers: answerHeaders, wireBytes: requestBytes + responseBytes };
      } catch {
        return { status: 0, body: undefined, headers: {}, wireBytes: requestBytes };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
