import * as http from 'http';
import * as https from 'https';
import { TeachPointError } from '../../../common/errors/errors';
import { downloadError } from './errors';

/** A socket that stays silent this long is dead (DESIGN §5.7: a hard timeout on every request). */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

export interface GetOptions {
  headers?: Record<string, string>;
  /** Destroy the request when the socket has been idle this long (headers or body). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * One GET over node:http/https (the host runs on Node 16: no global fetch). Resolves with the
 * response once headers arrive; the body is the caller's to read. A silent socket, a reset or an
 * abort rejects (or errors the body stream) with `download.network`.
 */
export function httpGet(url: string, options: GetOptions = {}): Promise<http.IncomingMessage> {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  const idle = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(downloadError('download.cancelled'));
    const req = lib.get(target, { headers: options.headers ?? {}, timeout: idle, agent: false });
    const onAbort = (): void => {
      req.destroy(downloadError('download.cancelled'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('timeout', () => req.destroy(downloadError('download.network', { url: target.origin, reason: `idle ${idle} ms` })));
    req.on('error', (err) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(asNetworkError(err, target));
    });
    req.on('response', (res) => {
      res.on('close', () => options.signal?.removeEventListener('abort', onAbort));
      resolve(res);
    });
  });
}

/** Read a whole (small) body; more than `maxBytes` is refused. */
export async function readBody(res: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        res.destroy();
        throw downloadError('download.bad-response', { reason: `body larger than ${maxBytes} bytes` });
      }
      parts.push(chunk);
    }
  } catch (err) {
    throw err instanceof TeachPointError ? err : asNetworkError(err);
  }
  if (!res.complete) throw downloadError('download.network', { reason: 'response cut short' });
  return Buffer.concat(parts);
}

export function asNetworkError(err: unknown, target?: URL): TeachPointError {
  if (err instanceof TeachPointError) return err;
  const e = err as NodeJS.ErrnoException | undefined;
  return downloadError('download.network', { ...(target ? { url: target.origin } : {}), errno: e?.code ?? null, message: String(e?.message ?? err) });
}
