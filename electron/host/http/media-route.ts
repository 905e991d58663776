import * as fs from 'fs';
import type { IncomingMessage, ServerResponse } from 'http';
import { planRangeResponse } from '../../../common/http/range';
import { SHA256_HEX, type MediaResolver } from '../../../common/media/media';
import { INERT_HTML_CSP, isHtmlBlobMime } from '../courseware';
import { sendText } from './respond';

export const MEDIA_CACHE_CONTROL = 'private, max-age=31536000, immutable';

/**
 * A PDF is shown in a frame of the lesson page (Chromium's own viewer): the app may frame it, nobody
 * else may. Every other blob keeps the app CSP (`frame-ancestors 'none'`).
 */
export const PDF_CSP = "default-src 'none'; frame-ancestors 'self'";

/**
 * GET/HEAD /media/<sha256>: the blob the content store holds under that hash, with byte ranges.
 * The request only ever supplies a 64-hex name; the file path comes from the resolver.
 * (Authentication happens in the router before this is called.)
 */
export async function serveMedia(
  req: IncomingMessage,
  res: ServerResponse,
  resolver: MediaResolver | null,
  name: string,
  log: (msg: string) => void,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
    return;
  }
  if (!SHA256_HEX.test(name) || resolver === null) {
    sendText(res, 404, 'Not found');
    return;
  }
  let blob;
  try {
    blob = await resolver.resolve(name);
  } catch (err) {
    log(`[http] media resolver failed for ${name}: ${String(err)}`);
    sendText(res, 500, 'Media lookup failed');
    return;
  }
  if (!blob) {
    sendText(res, 404, 'Not found');
    return;
  }
  let fd: number;
  let size: number;
  try {
    fd = await new Promise<number>((resolve, reject) => fs.open(blob.path, 'r', (e, f) => (e ? reject(e) : resolve(f))));
    size = (await new Promise<fs.Stats>((resolve, reject) => fs.fstat(fd, (e, s) => (e ? reject(e) : resolve(s))))).size;
  } catch (err) {
    log(`[http] media blob ${name} unreadable: ${String(err)}`);
    sendText(res, 404, 'Not found');
    return;
  }
  if (size !== blob.size) log(`[http] media blob ${name}: store says ${blob.size} bytes, file has ${size}`);
  const plan = planRangeResponse({
    method,
    rangeHeader: req.headers.range,
    ifRangeHeader: headerValue(req.headers['if-range']),
    size,
    etag: `"${blob.sha256}"`,
  });
  res.statusCode = plan.status;
  for (const [k, v] of Object.entries(plan.headers)) res.setHeader(k, v);
  res.setHeader('Cache-Control', MEDIA_CACHE_CONTROL);
  if (plan.status === 200 || plan.status === 206) res.setHeader('Content-Type', blob.mime);
  if (blob.mime === 'application/pdf') res.setHeader('Content-Security-Policy', PDF_CSP);
  // Single-file HTML courseware plays only under /courseware/ (sandbox CSP + guard); as media it is inert.
  else if (isHtmlBlobMime(blob.mime)) res.setHeader('Content-Security-Policy', INERT_HTML_CSP);
  if (plan.status === 405 || plan.status === 416 || !plan.body || plan.length === 0) {
    fs.close(fd, () => undefined);
    res.end();
    return;
  }
  const stream = fs.createReadStream('', { fd, start: plan.start, end: plan.end, autoClose: true, highWaterMark: 256 * 1024 });
  stream.on('error', (err) => {
    log(`[http] media stream ${name} failed: ${String(err)}`);
    res.destroy();
  });
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
