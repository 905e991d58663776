import * as fs from 'fs';
import type { IncomingMessage, ServerResponse } from 'http';
import * as path from 'path';
import { contentTypeFor } from '../../../common/http/content-types';
import { sendText } from './respond';


/**
 * Map a raw request path to a file under `root`, or null when it must be refused: bad percent
 * encoding, NUL, backslashes, `.`/`..` segments, dot-files, anything that would leave the root.
 * Pure apart from path.resolve; the caller still checks the file is a regular file.
 */
export function resolveStaticPath(root: string, rawPathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPathname);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').slice(1);
  for (const seg of segments) {
    if (seg === '.' || seg === '..' || seg.startsWith('.') || seg.includes(':')) return null;
  }
  const rel = segments.filter((s) => s.length > 0).join('/');
  const rootResolved = path.resolve(root);
  const full = path.resolve(rootResolved, rel.length > 0 ? rel : 'index.html');
  if (full !== rootResolved && !full.startsWith(rootResolved + path.sep)) return null;
  return full;
}

/** Serve the built renderer with SPA fallback to index.html for extension-less paths. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string | null, rawPathname: string): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
    return;
  }
  if (root === null || !fs.existsSync(path.join(root, 'index.html'))) {
    sendNotBuilt(res);
    return;
  }
  const target = resolveStaticPath(root, rawPathname);
  if (target === null) {
    sendText(res, 404, 'Not found');
    return;
  }
  let file = await regularFile(target, root);
  if (file === null) {
    // SPA fallback: client-side routes (/library, /teacher/…) have no extension.
    const last = rawPathname.split('/').pop() ?? '';
    if (last.includes('.')) {
      sendText(res, 404, 'Not found');
      return;
    }
    file = await regularFile(path.join(path.resolve(root), 'index.html'), root);
    if (file === null) {
      sendNotBuilt(res);
      return;
    }
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', contentTypeFor(file.path));
  res.setHeader('Content-Length', file.size);
  // Vite's hashed assets never change; index.html must always be revalidated.
  const hashed = /[/\\]assets[/\\]/.test(file.path);
  res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (method === 'HEAD') {
    res.end();
    return;
  }
  const stream = fs.createReadStream(file.path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** A regular file whose real path stays under the root (no symlink escapes), else null. */
async function regularFile(target: string, root: string): Promise<{ path: string; size: number } | null> {
  try {
    const [real, realRoot] = await Promise.all([fs.promises.realpath(target), fs.promises.realpath(root)]);
    if (!real.startsWith(realRoot + path.sep)) return null;
    const stat = await fs.promises.stat(real);
    return stat.isFile() ? { path: real, size: stat.size } : null;
  } catch {
    return null;
  }
}

function sendNotBuilt(res: ServerResponse): void {
  const html = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>TeachPoint</title>
<p>界面尚未构建。请运行 <code>npm run build:renderer</code> 后刷新本页。</p>
<p>The user interface has not been built. Run <code>npm run build:renderer</code>, then reload.</p></html>`;
  res.statusCode = 503;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(html);
}
