import { promises as fs } from 'fs';
import { type MediaResolver, SHA256_HEX } from '../../common/media/media';
import { APP_HOST, APP_ORIGIN, COURSEWARE_PATH_PREFIX, MEDIA_PATH_PREFIX, MEDIA_SCHEME } from './origins';
import { type ProtocolReply, textReply } from './protocol-reply';
import { planRangeResponse } from '../../common/http/range';
import { buildCoursewareCsp } from './security';

export interface MediaRequest {
  url: string;
  method: string;
  header(name: string): string | null;
}

type MediaTarget = { kind: 'media' | 'courseware'; sha256: string };

/** `tp-media://teachpoint/media/<sha256>` or `/courseware/<sha256>`; anything else is null. */
export function parseMediaUrl(rawUrl: string): MediaTarget | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${MEDIA_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '' || url.username !== '' || url.password !== '') return null;
  for (const [kind, prefix] of [['media', MEDIA_PATH_PREFIX], ['courseware', COURSEWARE_PATH_PREFIX]] as const) {
    if (!url.pathname.startsWith(prefix)) continue;
    const sha256 = url.pathname.slice(prefix.length);
    return SHA256_HEX.test(sha256) ? { kind, sha256 } : null;
  }
  return null;
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
  if (target.kind === 'courseware') headers['Content-Security-Policy'] = buildCoursewareCsp();
  if (plan.status === 405 || plan.status === 416) return { status: plan.status, headers, body: null };
  const body = plan.body && plan.length > 0 ? { kind: 'file' as const, path: blob.path, start: plan.start, end: plan.end } : null;
  return { status: plan.status, headers, body };
}
