import type { IncomingMessage, ServerResponse } from 'http';
import type { Readable } from 'stream';
import { planRangeResponse } from '../../../common/http/range';
import { SHA256_HEX, type MediaResolver } from '../../../common/media/media';
import { openZip, safeEntryName, type ZipArchive } from '../../../content-packs/format/zip-reader';
import { readEntryStream } from '../../../content-packs/node/entry-stream';
import { fileSource } from '../../../content-packs/node/file-source';
import { sendText } from './respond';
import { contentTypeFor } from './static-files';

/** Zip media types an html5 courseware blob may have (pack manifest, content-packs/format/manifest.ts). */
const ZIP_MIMES = new Set(['application/zip', 'application/x-zip-compressed']);
/** Central directories kept parsed (courseware pages load many entries in a burst). */
const CACHE_LIMIT = 8;

export interface CoursewareServer {
  serve(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void>;
}

/**
 * GET/HEAD /courseware/<sha256>/<entry path> — one entry of an HTML5 courseware zip from the content
 * store. The zip is found through the MediaResolver (a blob an installed pack references, by hash);
 * the entry name is checked with the pack format's safeEntryName and looked up in the zip's own
 * directory, so no request text reaches the file system. Responses carry COURSEWARE_CSP (set by the
 * router): the page runs in an opaque sandboxed origin with no network access and cannot reach the
 * bridge (no token, Origin "null").
 *
 * No token here: a sandboxed frame's sub-requests (scripts, images, fonts) cannot carry one. What
 * guards it: the Host check (DNS rebinding), `frame-ancestors 'self'` (no other site can frame it),
 * a 64-hex name that must belong to an installed pack, and the content being published lesson material
 * rather than learner data.
 */
export function createCoursewareServer(resolver: MediaResolver | null, log: (msg: string) => void): CoursewareServer {
  const archives = new Map<string, Promise<ZipArchive>>();

  const archiveOf = (sha: string, path: string): Promise<ZipArchive> => {
    let p = archives.get(sha);
    if (!p) {
      p = (async () => {
        const source = await fileSource(path);
        try {
          return await openZip(source);
        } finally {
          await source.close();
        }
      })();
      p.catch(() => archives.delete(sha));
      archives.set(sha, p);
      if (archives.size > CACHE_LIMIT) archives.delete(archives.keys().next().value as string);
    }
    return p;
  };

  return {
    async serve(req, res, rest) {
      const method = (req.method ?? 'GET').toUpperCase();
      // Sandboxed pages send CORS-mode requests (module scripts, fonts) from origin "null".
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      if (method !== 'GET' && method !== 'HEAD') {
        sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
        return;
      }
      const slash = rest.indexOf('/');
      const sha = slash >= 0 ? rest.slice(0, slash) : rest;
      let entryName: string;
      try {
        entryName = slash >= 0 ? decodeURIComponent(rest.slice(slash + 1)) : '';
      } catch {
        sendText(res, 404, 'Not found');
        return;
      }
      if (entryName === '' || entryName.endsWith('/')) entryName += 'index.html';
      if (!SHA256_HEX.test(sha) || !safeEntryName(entryName).ok || resolver === null) {
        sendText(res, 404, 'Not found');
        return;
      }
      const blob = await resolver.resolve(sha);
      if (!blob || !ZIP_MIMES.has(blob.mime)) {
        sendText(res, 404, 'Not found');
        return;
      }
      let archive: ZipArchive;
      try {
        archive = await archiveOf(sha, blob.path);
      } catch (err) {
        log(`[http] courseware ${sha} unreadable: ${String(err)}`);
        sendText(res, 404, 'Not found');
        return;
      }
      const entry = archive.get(entryName);
      if (!entry) {
        sendText(res, 404, 'Not found');
        return;
      }
      // Byte ranges only for stored entries (videos inside courseware); deflated ones are sent whole.
      const plan = planRangeResponse({
        method,
        rangeHeader: entry.method === 0 ? req.headers.range : undefined,
        ifRangeHeader: req.headers['if-range'] as string | undefined,
        size: entry.uncompressedSize,
        // Unique per URL is enough for an ETag; entry names may be non-ASCII, so use the entry's CRC.
        etag: `"${sha}-${entry.crc32.toString(16).padStart(8, '0')}"`,
      });
      res.statusCode = plan.status;
      for (const [k, v] of Object.entries(plan.headers)) res.setHeader(k, v);
      if (plan.status === 405 || plan.status === 416) {
        res.end();
        return;
      }
      if (entry.method !== 0) res.setHeader('Accept-Ranges', 'none');
      res.setHeader('Content-Type', contentTypeFor(entryName));
      res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
      if (!plan.body || plan.length === 0) {
        res.end();
        return;
      }
      let stream: Readable;
      if (entry.method === 0) {
        const sliced = { ...entry, dataOffset: entry.dataOffset + plan.start, compressedSize: plan.length, uncompressedSize: plan.length };
        stream = readEntryStream(blob.path, sliced, { highWaterMark: 256 * 1024 });
      } else {
        stream = readEntryStream(blob.path, entry, { highWaterMark: 256 * 1024 });
      }
      stream.on('error', (err) => {
        log(`[http] courseware ${sha}/${entryName} failed: ${String(err)}`);
        res.destroy();
      });
      res.on('close', () => stream.destroy());
      stream.pipe(res);
    },
  };
}
