import type { ServerResponse } from 'http';
import type { TeachPointErrorData } from '../../../common/errors/errors';
import { bridgeError, type BridgeErrorCode } from '../../../common/bridge/errors';

/**
 * CSP of the app shell (and every non-courseware response). `font-src data:`: Vite inlines small font slices
 * (pdf.js standard fonts, KaTeX-size subsets) as data: URLs; same font-src as the app:// shell (electron/main/security.ts).
 */
export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * CSP of courseware (HTML5 zip entries): an opaque sandboxed origin that cannot phone out. `frame-src 'self'`:
 * no data:/blob: documents, whose scripts would escape the WebRTC guard (../courseware-guard.ts).
 */
export const COURSEWARE_CSP =
  "sandbox allow-scripts; default-src 'self' 'unsafe-inline' data: blob:; connect-src 'none'; frame-src 'self'; object-src 'none'; frame-ancestors 'self'";

/** Headers every response carries. */
export function baseHeaders(res: ServerResponse, csp: string = APP_CSP): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Tokens travel in URLs (/media?token=, /api/events?token=): never leak them in a Referer.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** HTTP status for a bridge error code; feature errors (pack.*, store.*) are 422. */
export function statusForError(code: string): number {
  switch (code) {
    case 'bridge.unknown-method':
    case 'bridge.invalid-request':
      return 400;
    case 'bridge.unauthorized':
      return 401;
    case 'bridge.forbidden-sender':
      return 403;
    case 'bridge.internal':
    case 'bridge.invalid-response':
    case 'bridge.transport':
    case 'bridge.timeout':
      return 500;
    default:
      return 422;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

export function sendError(res: ServerResponse, error: TeachPointErrorData, status: number = statusForError(error.code)): void {
  sendJson(res, status, { ok: false, error });
}

export function sendBridgeError(res: ServerResponse, code: BridgeErrorCode, status: number, details?: Record<string, unknown>): void {
  sendError(res, bridgeError(code, details).toData(), status);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
