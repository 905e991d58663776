/**
 * One HTTP(S) exchange with the cloud from the host (Node 16: no global fetch): a hard timeout on the
 * whole exchange, optional gzip request body, gzip answers decoded, and the bytes both ways counted
 * (headers included) for the sync status and the benches. Network failures and timeouts come back
 * as status 0, never as a throw, so the engine's backoff sees every failure the same way.
 */
import * as http from 'http';
import * as https from 'https';
import { gunzipSync, gzipSync } from 'zlib';

export interface CloudHttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** JSON text (POST). */
  body?: string | null;
  gzip?: boolean;
  timeoutMs: number;
}

export interface CloudHttpResponse {
  status: number;
  headers: Record<string, string>;
  /** The answer as text (gunzipped when the server compressed it). */
  text: string;
  wireBytes: number;
}

export function cloudHttp(request: CloudHttpRequest): Promise<CloudHttpResponse> {
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = { 'accept-encoding': 'gzip', ...request.headers };
  let payload: Buffer | undefined;
  if (request.body !== undefined && request.body !== null) {
    payload = Buffer.from(request.body, 'utf8');
    headers['content-type'] = 'application/json';
    if (request.gzip) {
      payload = gzipSync(payload);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(payload.length);
  }
  let requestBytes = `${request.method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`.length + 2 + (payload?.length ?? 0);
  for (const [k, v] of Object.entries(headers)) requestBytes += k.length + v.length + 4;

  return new Promise((resolve) => {
    let settled = false;
    const done = (response: CloudHttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(response);
    };
    const failed = () => done({ status: 0, headers: {}, text: '', wireBytes: requestBytes });
    const req = client.request(url, { method: request.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let bodyBytes = 0;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        bodyBytes += chunk.length;
      });
      res.on('error', failed);
      res.on('aborted', failed);
      res.on('end', () => {
        let raw: Buffer = Buffer.concat(chunks);
        try {
          if (res.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
        } catch {
          failed();
          return;
        }
        const answerHeaders: Record<string, string> = {};
        let headerBytes = `HTTP/1.1 ${res.statusCode ?? 0} ${res.statusMessage ?? ''}\r\n`.length + 2;
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!;
          const value = res.rawHeaders[i + 1]!;
          headerBytes += name.length + value.length + 4;
          answerHeaders[name.toLowerCase()] = value;
        }
        done({ status: res.statusCode ?? 0, headers: answerHeaders, text: raw.toString('utf8'), wireBytes: requestBytes + headerBytes + bodyBytes });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      failed();
    }, request.timeoutMs);
    req.on('error', failed);
    req.end(payload);
  });
}

export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
