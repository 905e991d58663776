/**
 * HTTP byte-range planning (RFC 9110 §13.1.5 If-Range, §14 Range, §15.3.7 206, §15.5.17 416) as a
 * pure function, shared by the host's HTTP media route and Electron's media protocol handler.
 * The caller resolves the blob (size + sha256), asks for a plan, then writes `headers` and, when
 * `body` is set, the bytes `start..end` inclusive. Nothing here touches a file or a socket.
 *
 * Decisions (each covered by common/http/range.test.ts):
 *  - Only GET and HEAD are served (anything else → 405 with `Allow`). Range is only honoured on GET;
 *    HEAD answers like a full GET without the body (RFC 9110 §14.2: range handling is defined for GET).
 *  - A range unit other than `bytes` → Range ignored, 200 full.
 *  - A syntactically invalid `bytes=` specifier, or one whose ranges are all unsatisfiable → 416 with
 *    `Content-Range: bytes *\/<size>`.
 *  - More than one range → the Range header is ignored and the whole blob is sent (200). Chromium's
 *    media stack never asks for several ranges; serving the whole is always allowed and avoids
 *    multipart/byteranges (and amplification by many tiny overlapping ranges).
 *  - `If-Range` is honoured only when it is exactly our strong ETag; a weak ETag, another ETag or an
 *    HTTP-date (we send no Last-Modified) → 200 full, as the RFC requires.
 *  - Open ranges (`500-`) run to the end, suffix ranges (`-500`) are the last N bytes (a suffix
 *    longer than the blob → the whole blob as 206), an end beyond the blob is clamped.
 */

export interface RangeRequest {
  method: string;
  rangeHeader?: string | null | undefined;
  ifRangeHeader?: string | null | undefined;
  /** Size of the representation in bytes. */
  size: number;
  /** Strong ETag including quotes, e.g. `"<sha256>"`. */
  etag: string;
}

export type RangePlan =
  | {
      status: 200 | 206;
      /** First byte to send (inclusive). */
      start: number;
      /** Last byte to send (inclusive); start - 1 when length is 0. */
      end: number;
      /** Number of bytes in the body (also Content-Length). */
      length: number;
      /** false for HEAD: send headers only. */
      body: boolean;
      headers: Record<string, string>;
    }
  | { status: 405 | 416; body: false; headers: Record<string, string> };

export type ParsedRange =
  | { kind: 'none' }
  | { kind: 'ignored'; reason: 'unit' | 'multiple' }
  | { kind: 'invalid' }
  | { kind: 'unsatisfiable' }
  | { kind: 'single'; start: number; end: number };

const RANGE_SPEC = /^\s*(\d*)\s*-\s*(\d*)\s*$/;

/** Parse a Range header value against a representation of `size` bytes. */
export function parseRangeHeader(header: string | null | undefined, size: number): ParsedRange {
  if (header === null || header === undefined) return { kind: 'none' };
  const eq = header.indexOf('=');
  if (eq < 0) return { kind: 'invalid' };
  const unit = header.slice(0, eq).trim().toLowerCase();
  if (unit !== 'bytes') return { kind: 'ignored', reason: 'unit' };
  // RFC 9110 list syntax allows empty elements ("0-1, ,"), so drop them.
  const specs = header
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (specs.length === 0) return { kind: 'invalid' };
  const ranges: Array<{ start: number; end: number } | null> = [];
  for (const spec of specs) {
    const m = RANGE_SPEC.exec(spec);
    if (!m) return { kind: 'invalid' };
    const first = m[1] ?? '';
    const last = m[2] ?? '';
    if (first === '' && last === '') return { kind: 'invalid' };
    if (first === '') {
      // suffix-range: the last N bytes
      const suffix = Number(last);
      if (suffix === 0 || size === 0) ranges.push(null);
      else ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(first);
    const endRaw = last === '' ? Infinity : Number(last);
    if (endRaw < start) return { kind: 'invalid' };
    if (start >= size) ranges.push(null);
    else ranges.push({ start, end: Math.min(endRaw, size - 1) });
  }
  if (ranges.length > 1) return { kind: 'ignored', reason: 'multiple' };
  const only = ranges[0];
  if (!only) return { kind: 'unsatisfiable' };
  return { kind: 'single', start: only.start, end: only.end };
}

/** True when an If-Range value allows the range to be applied (exact strong ETag match only). */
export function ifRangeMatches(ifRange: string | null | undefined, etag: string): boolean {
  if (ifRange === null || ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('W/')) return false; // weak validators never match for ranges
  if (etag.startsWith('W/')) return false;
  return value === etag;
}

export function planRangeResponse(req: RangeRequest): RangePlan {
  const method = req.method.toUpperCase();
  const { size, etag } = req;
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`planRangeResponse: bad size ${size}`);
  const base: Record<string, string> = { 'Accept-Ranges': 'bytes', ETag: etag };
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, body: false, headers: { ...base, Allow: 'GET, HEAD', 'Content-Length': '0' } };
  }
  const full: RangePlan = {
    status: 200,
    start: 0,
    end: size - 1,
    length: size,
    body: method === 'GET',
    headers: { ...base, 'Content-Length': String(size) },
  };
  if (method !== 'GET') return full;
  const parsed = parseRangeHeader(req.rangeHeader, size);
  if (parsed.kind === 'none' || parsed.kind === 'ignored') return full;
  // If-Range failing means "send me the whole current representation" — even for a bad range.
  if (!ifRangeMatches(req.ifRangeHeader, etag)) return full;
  if (parsed.kind === 'invalid' || parsed.kind === 'unsatisfiable') {
    return { status: 416, body: false, headers: { ...base, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' } };
  }
  const length = parsed.end - parsed.start + 1;
  return {
    status: 206,
    start: parsed.start,
    end: parsed.end,
    length,
    body: true,
    headers: { ...base, 'Content-Range': `bytes ${parsed.start}-${parsed.end}/${size}`, 'Content-Length': String(length) },
  };
}
