import { promises as fs } from 'fs';
import { type MediaResolver, SHA256_HEX } from '../../common/media/media';
import { APP_HOST, APP_ORIGIN, COURSEWARE_PATH_PREFIX, MEDIA_PATH_PREFIX, MEDIA_SCHEME } from '../../common/origins';
import { type ProtocolReply, textReply } from './protocol-reply';
import { planRangeResponse } from '../../common/http/range';
import { createCoursewareReader, INERT_HTML_CSP, isHtmlBlobMime, type CoursewareReader } from '../host/courseware';
import { buildCoursewareCsp } from './security';

export interface MediaRequest {
  url: string;
  method: string;
  header(name: string): string | null;
}

type MediaTarget = { kind: 'media'; sha256: string } | { kind: 'courseware'; sha256: string; entry: string };

/**
 * `tp-media://teachpoint/media/<sha256>`, or `/courseware/<sha256>/<entry path>` (an entry of an
 * HTML5 courseware zip, `index.html` when empty); anything else — including an entry path with
 * `..`, backslashes, NUL or encoded separators — is null.
 */
export function parseMediaUrl(rawUrl: string): MediaTarget | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${MEDIA_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '' || url.username !== '' || url.password !== '') return null;
  if (url.pathname.startsWith(MEDIA_PATH_PREFIX)) {
    const sha256 = url.pathname.slice(MEDIA_PATH_PREFIX.length);
    return SHA256_HEX.test(sha256) ? { kind: 'media', sha256 } : null;
  }
  if (url.pathname.startsWith(COURSEWARE_PATH_PREFIX)) {
    const rest = url.pathname.slice(COURSEWARE_PATH_PREFIX.length);
    const slash = rest.indexOf('/');
    const sha256 = slash < 0 ? rest : rest.slice(0, slash);
    if (!SHA256_HEX.test(sha256)) return null;
    const rawEntry = slash < 0 ? '' : rest.slice(slash + 1);
    if (/%(2f|5c|00)/i.test(rawEntry)) return null;
    let entry: string;
    try {
      entry = decodeURIComponent(rawEntry);
    } catch {
      return null;
    }
    if (/[\\\0]/.test(entry) || entry.split('/').some((s) => s === '..' || s === '.')) return null;
    return { kind: 'courseware', sha256, entry: entry === '' || entry.endsWith('/') ? `${entry}index.html` : entry };
  }
  return null;
}

/** One courseware reader (and so one parsed-directory cache) per resolver: the host's, for the life of the app. */
const readersByResolver = new WeakMap<MediaResolver, CoursewareReader>();

/**
 * An entry of an HTML5 courseware zip, never the raw zip: always under the sandboxing CSP (opaque
 * origin, no network, only the app may frame it). The entry logic is the HTTP transport's
 * (electron/host/courseware.ts); this adds the protocol's headers and its 404 text.
 */
async function coursewareReply(req: MediaRequest, resolver: MediaResolver, sha256: string, entryName: string): Promise<ProtocolReply> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': buildCoursewareCsp(),
    'X-Content-Type-Options': 'nosniff',
    // The sandboxed page (origin "null") loads its own module scripts and fonts in CORS mode.
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
  };
  let reader = readersByResolver.get(resolver);
  if (!reader) readersByResolver.set(resolver, (reader = createCoursewareReader(resolver, () => undefined)));
  const reply = await reader.reply({ method: req.method, sha256, entry: entryName, range: req.header('range'), ifRange: req.header('if-range') });
  if (reply.status === 404) return textReply(404, 'Not Found', headers);
  return { status: reply.status, headers: { ...headers, ...reply.headers }, body: reply.body };
}

/**
 * Serves a content-store blob by hash through the host's MediaResolver — no request path ever
 * reaches the file system. Status and range headers come from the planner the HTTP transport uses
 * (common/http/range.ts): 206 + Content-Range, 416, If-Range, strong ETag = "sha256"; the content
 * type is the manifest's.
 */
export async function mediaReply(req: MediaRequest, resolver: MediaResolver): Promise<ProtocolReply> {
  const common: Record<string, string> = { 'X-Content-Type-Options': 'nosniff', 'Access-Control-Allow-Origin': APP_ORIGIN };
  const target = parseMediaUrl(req.url);
  if (!target) return textReply(404, 'Not Found', common);
  if (target.kind === 'courseware') return coursewareReply(req, resolver, target.sha256, target.entry);
  const blob = await resolver.resolve(target.sha256);
  if (!blob || blob.sha256 !== target.sha256) return textReply(404, 'Not Found', common);
  let size: number;
  try {
    const stat = await fs.stat(blob.path);
    if (!stat.isFile()) return textReply(404, 'Not Found', common);
    size = stat.size;
  } catch {
    return textReply(404, 'Not Found', common);
  }
  const plan = planRangeResponse({ method: req.method, rangeHeader: req.header('range'), ifRangeHeader: req.header('if-range'), size, etag: `"${blob.sha256}"` });
  const headers: Record<string, string> = {
    ...common,
    'Access-Control-Expose-Headers': 'Content-Range, Content-Length, ETag, Accept-Ranges',
    'Cache-Control': 'private, max-age=31536000, immutable',
    'Content-Type': blob.mime,
    ...plan.headers,
  };
  // Single-file HTML courseware plays only under /courseware/ (sandbox CSP + guard); as media it is inert.
  if (isHtmlBlobMime(blob.mime)) headers['Content-Security-Policy'] = INERT_HTML_CSP;
  if (plan.status === 405 || plan.status === 416) return { status: plan.status, headers, body: null };
  const body = plan.body && plan.length > 0 ? { kind: 'file' as const, path: blob.path, start: plan.start, end: plan.end } : null;
  return { status: plan.status, headers, body };
}
