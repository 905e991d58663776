import { createReadStream } from 'fs';
import { Readable } from 'stream';
import { planRangeResponse } from '../../common/http/range';
import { SHA256_HEX, type MediaBlob, type MediaResolver } from '../../common/media/media';
import { readEntryStream } from '../../content-packs/node/entry-stream';
import { createCoursewareArchives } from './courseware-archives';
import { contentTypeFor } from '../../common/http/content-types';
import { COURSEWARE_GUARD_TAG_BYTES, createGuardInjector, isCoursewareHtml } from './courseware-guard';

/** The entry's bytes through the guard injector; a source error ends the injected stream with the same error. */
function withGuard(source: Readable): Readable {
  const injector = createGuardInjector();
  source.on('error', (err) => injector.destroy(err));
  injector.on('close', () => source.destroy());
  return source.pipe(injector);
}

/** Media types of single-file (one HTML document) courseware blobs. */
const SINGLE_HTML_MIMES: ReadonlySet<string> = new Set(['text/html']);

/** Whether a blob's media type is an HTML document (single-file courseware). */
export function isHtmlBlobMime(mime: string): boolean {
  return SINGLE_HTML_MIMES.has(mime.split(';')[0]!.trim().toLowerCase());
}

/**
 * CSP for an HTML blob fetched as plain media (`/media/<sha>`, `tp-media://teachpoint/media/<sha>`) rather than
 * as courseware: an inert document — sandboxed without scripts, nothing loads, nobody may frame it. Courseware
 * plays only through the courseware routes.
 */
export const INERT_HTML_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'";

export interface CoursewareRequest {
  method: string;
  sha256: string;
  /** Entry path inside the zip, already percent-decoded; '' or a trailing '/' means index.html. */
  entry: string;
  range?: string | null | undefined;
  ifRange?: string | null | undefined;
}

/**
 * The bytes of an answer: a byte range of the zip file itself (stored entries — a transport can
 * hand it to its file reader) or a stream made on demand (deflated entries, inflated on the fly).
 */
export type CoursewareBody = { kind: 'file'; path: string; start: number; end: number } | { kind: 'stream'; open: () => Readable };

/**
 * A transport-neutral answer: status, headers (ranges, ETag, type, caching — the transport adds its
 * CSP/CORS headers) and the body, null when there is none (404, HEAD, 416, empty entry).
 */
export interface CoursewareReply {
  status: number;
  headers: Record<string, string>;
  body: CoursewareBody | null;
}

/** A readable stream of a reply body (HTTP transport; Electron maps the body to its own reply). */
export function openCoursewareBody(body: CoursewareBody): Readable {
  return body.kind === 'file' ? createReadStream(body.path, { start: body.start, end: body.end, highWaterMark: 256 * 1024 }) : body.open();
}

export interface CoursewareReader {
  reply(req: CoursewareRequest): Promise<CoursewareReply>;
}

/**
 * Entries of HTML5 courseware zips in the content store, for both transports (HTTP `/courseware/…`,
 * Electron `tp-media://teachpoint/courseware/…`). The zip must be a blob the MediaResolver knows with a
 * zip media type; the entry name must pass the pack format's safeEntryName and exist in the zip's own
 * central directory — no request text reaches the file system. Stored entries answer byte ranges
 * (planRangeResponse); deflated ones are always sent whole.
 */
export function createCoursewareReader(resolver: MediaResolver | null, log: (msg: string) => void = console.warn): CoursewareReader {
  const archives = resolver ? createCoursewareArchives(resolver, (msg) => log(`[host] ${msg}`)) : null;
  const notFound: CoursewareReply = { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: null };

  /**
   * Single-file courseware: an html5 blob that is one `text/html` document (tpk build accepts a lone
   * .html/.htm). It is its own entry, index.html; it has no other entries (relative links answer 404).
   */
  const singleHtml = async (sha256: string, entryName: string): Promise<MediaBlob | null> => {
    if (!resolver || entryName !== 'index.html' || !SHA256_HEX.test(sha256)) return null;
    const blob = await resolver.resolve(sha256);
    if (!blob || blob.sha256 !== sha256) return null;
    return isHtmlBlobMime(blob.mime) ? blob : null;
  };
  /** A whole HTML document with the WebRTC guard as its first script: no ranges, not cached (as a zip's HTML entry). */
  const htmlReply = (method: string, blob: MediaBlob, ifRange: string | null | undefined): CoursewareReply => {
    const { path, size } = blob;
    const plan = planRangeResponse({ method, rangeHeader: undefined, ifRangeHeader: ifRange, size, etag: `"${blob.sha256}"` });
    const headers: Record<string, string> = {
      ...plan.headers,
      'Content-Type': 'text/html; charset=utf-8',
      'Accept-Ranges': 'none',
      'Cache-Control': 'no-store',
      'Content-Length': String(size + COURSEWARE_GUARD_TAG_BYTES),
    };
    delete headers.ETag;
    if (!plan.body) return { status: plan.status, headers, body: null };
    const source = () => (size === 0 ? Readable.from([]) : createReadStream(path, { highWaterMark: 256 * 1024 }));
    return { status: plan.status, headers, body: { kind: 'stream', open: () => withGuard(source()) } };
  };

  return {
    async reply(req) {
      const method = req.method.toUpperCase();
      if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: { Allow: 'GET, HEAD' }, body: null };
      const entryName = req.entry === '' || req.entry.endsWith('/') ? `${req.entry}index.html` : req.entry;
      const single = await singleHtml(req.sha256, entryName);
      if (single) return htmlReply(method, single, req.ifRange);
      const found = archives ? await archives.lookup(req.sha256, entryName) : null;
      if (!found) return notFound;
      const { blob, entry } = found;
      const contentType = contentTypeFor(entryName);
      // HTML documents get the WebRTC guard as their first script (courseware-guard.ts): sent whole, not cached.
      const html = isCoursewareHtml(contentType);
      const plan = planRangeResponse({
        method,
        rangeHeader: entry.method === 0 && !html ? req.range : undefined,
        ifRangeHeader: req.ifRange,
        size: entry.uncompressedSize,
        // Unique per URL is all an ETag needs; entry names may be non-ASCII, so use the entry's CRC.
        etag: `"${req.sha256}-${entry.crc32.toString(16).padStart(8, '0')}"`,
      });
      if (plan.status === 405 || plan.status === 416) return { status: plan.status, headers: plan.headers, body: null };
      const headers: Record<string, string> = {
        ...plan.headers,
        'Content-Type': contentType,
        'Cache-Control': 'private, max-age=31536000, immutable',
      };
      if (entry.method !== 0) headers['Accept-Ranges'] = 'none';
      if (html) {
        Object.assign(headers, { 'Accept-Ranges': 'none', 'Cache-Control': 'no-store', 'Content-Length': String(entry.uncompressedSize + COURSEWARE_GUARD_TAG_BYTES) });
        delete headers.ETag;
        if (!plan.body) return { status: plan.status, headers, body: null };
        const whole: CoursewareBody =
          entry.method === 0
            ? { kind: 'file', path: blob.path, start: entry.dataOffset, end: entry.dataOffset + entry.uncompressedSize - 1 }
            : { kind: 'stream', open: () => readEntryStream(blob.path, entry, { highWaterMark: 256 * 1024 }) };
        const source = () => (entry.uncompressedSize === 0 ? Readable.from([]) : openCoursewareBody(whole));
        return { status: plan.status, headers, body: { kind: 'stream', open: () => withGuard(source()) } };
      }
      if (!plan.body || plan.length === 0) return { status: plan.status, headers, body: null };
      const body: CoursewareBody =
        entry.method === 0
          ? { kind: 'file', path: blob.path, start: entry.dataOffset + plan.start, end: entry.dataOffset + plan.end }
          : { kind: 'stream', open: () => readEntryStream(blob.path, entry, { highWaterMark: 256 * 1024 }) };
      return { status: plan.status, headers, body };
    },
  };
}
