import { promises as fs } from 'fs';
import * as path from 'path';
import { APP_HOST, APP_SCHEME } from '../../common/origins';
import { type ProtocolReply, textReply } from './protocol-reply';
import { contentTypeFor } from '../../common/http/content-types';

/**
 * Maps an `app://teachpoint/...` URL to a file under the built renderer (`dist/renderer`), pure.
 * Refuses (null) anything that could leave `root`: `..` segments (also percent-encoded),
 * encoded `/` or `\`, backslashes, NUL, drive letters / NTFS streams (`:`), other hosts.
 * Paths whose last segment has no extension are client routes and get `index.html`.
 */
export function resolveAppAssetPath(rawUrl: string, root: string): string | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '' || url.username !== '' || url.password !== '') return null;
  // Work on the raw URL's path: the URL parser already folded literal dot segments, but not
  // encoded ones, so everything encoded is judged per segment before decoding.
  const rawPath = url.pathname === '' ? '/' : url.pathname;
  const segments: string[] = [];
  for (const rawSegment of rawPath.split('/')) {
    if (rawSegment === '') continue;
    if (/%(2f|5c|00)/i.test(rawSegment)) return null;
    let segment: string;
    try {
      segment = decodeURIComponent(rawSegment);
    } catch {
      return null;
    }
    if (segment === '.' || segment === '..' || /[\\:\0]/.test(segment)) return null;
    segments.push(segment);
  }
  const last = segments[segments.length - 1];
  const relative = last === undefined || !last.includes('.') ? ['index.html'] : segments;
  const base = path.resolve(root);
  const resolved = path.resolve(base, ...relative);
  if (!resolved.startsWith(base + path.sep)) return null;
  return resolved;
}

/** Content type of a built renderer asset (shared table with the HTTP transport). */
export function appAssetMime(filePath: string): string {
  return contentTypeFor(filePath.split('\\').join('/'));
}

/** The reply for one app-scheme request: the file, or 404; every response carries the app CSP. */
export async function appAssetReply(rawUrl: string, method: string, root: string, csp: string): Promise<ProtocolReply> {
  const security = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' };
  if (method !== 'GET' && method !== 'HEAD') return textReply(405, 'Method Not Allowed', { ...security, Allow: 'GET, HEAD' });
  const filePath = resolveAppAssetPath(rawUrl, root);
  if (filePath === null) return textReply(404, 'Not Found', security);
  let size: number;
  try {
    const stat = await fs.stat(filePath);
    if (!stat.isFile()) return textReply(404, 'Not Found', security);
    size = stat.size;
  } catch {
    return textReply(404, 'Not Found', security);
  }
  const headers = { ...security, 'Content-Type': appAssetMime(filePath), 'Content-Length': String(size), 'Cache-Control': 'no-cache' };
  const body = method === 'HEAD' || size === 0 ? null : { kind: 'file' as const, path: filePath, start: 0, end: size - 1 };
  return { status: 200, headers, body };
}
