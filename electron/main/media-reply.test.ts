import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COURSEWARE_GUARD_SCRIPT } from '../host/courseware-guard';
import type { MediaBlob, MediaResolver } from '../../common/media/media';
import { makeZip } from '../../tests/e2e/zip-fixture';
import { mediaReply, parseMediaUrl } from './media-reply';
import { toStreamResponse, toWebResponse, type ProtocolReply } from './protocol-reply';

const dir = mkdtempSync(path.join(tmpdir(), 'tp-media-'));
const bytes = Buffer.alloc(100_000);
for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 3) & 0xff;
const sha = createHash('sha256').update(bytes).digest('hex');
const blobPath = path.join(dir, sha);
writeFileSync(blobPath, bytes);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const blob: MediaBlob = { path: blobPath, size: bytes.length, mime: 'video/mp4', sha256: sha };
const lookups: string[] = [];
const resolver: MediaResolver = {
  resolve: async (hash) => {
    lookups.push(hash);
    return hash === sha ? blob : null;
  },
};

function request(url: string, headers: Record<string, string> = {}, method = 'GET') {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { url, method, header: (name: string) => lower[name.toLowerCase()] ?? null };
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

const url = `tp-media://teachpoint/media/${sha}`;

describe('parseMediaUrl', () => {
  it('accepts only /media/<sha256> and /courseware/<sha256>/<entry> on the media origin', () => {
    expect(parseMediaUrl(url)).toEqual({ kind: 'media', sha256: sha });
    expect(parseMediaUrl(`tp-media://teachpoint/courseware/${sha}`)).toEqual({ kind: 'courseware', sha256: sha, entry: 'index.html' });
    expect(parseMediaUrl(`tp-media://teachpoint/courseware/${sha}/js/app.js`)).toEqual({ kind: 'courseware', sha256: sha, entry: 'js/app.js' });
    expect(parseMediaUrl(`tp-media://teachpoint/courseware/${sha}/unit%201/`)).toEqual({ kind: 'courseware', sha256: sha, entry: 'unit 1/index.html' });
    for (const bad of [
      `tp-media://teachpoint/media/${sha.toUpperCase()}`,
      `tp-media://teachpoint/media/${sha}/x`,
      `tp-media://teachpoint/media/../../etc/passwd`,
      `tp-media://teachpoint/media/%2e%2e%2f${sha}`,
      `tp-media://other/media/${sha}`,
      `app://teachpoint/media/${sha}`,
      `tp-media://teachpoint/${sha}`,
      `tp-media://teachpoint/courseware/${sha}/a%2f..%2f..%2fx`,
      `tp-media://teachpoint/courseware/${sha}/a%5cb.js`,
      `tp-media://teachpoint/courseware/${sha}/a%00.js`,
      `tp-media://teachpoint/courseware/nothex/index.html`,
    ]) {
      expect(parseMediaUrl(bad), bad).toBeNull();
    }
  });
});

describe('mediaReply', () => {
  it('answers a Range request with 206, Content-Range and exactly those bytes (WHATWG Response, current Electron)', async () => {
    const reply = await mediaReply(request(url, { Range: 'bytes=1000-1999' }), resolver);
    expect(reply.status).toBe(206);
    expect(reply.headers['Content-Range']).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(reply.headers['Content-Length']).toBe('1000');
    expect(reply.headers['Accept-Ranges']).toBe('bytes');
    expect(reply.headers.ETag).toBe(`"${sha}"`);
    expect(reply.headers['Content-Type']).toBe('video/mp4');
    const response = toWebResponse(reply) as Response;
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
  });

  it('serves the same 206 through the Electron 22 stream-protocol shape', async () => {
    const reply = await mediaReply(request(url, { range: 'bytes=-500' }), resolver);
    const response = toStreamResponse(reply);
    expect(response.statusCode).toBe(206);
    expect(response.headers['Content-Range']).toBe(`bytes ${bytes.length - 500}-${bytes.length - 1}/${bytes.length}`);
    expect((await readStream(response.data)).equals(bytes.subarray(bytes.length - 500))).toBe(true);
  });

  it('sends the whole blob without Range, and for a stale If-Range', async () => {
    for (const headers of [{}, { Range: 'bytes=0-9', 'If-Range': '"0000"' }] as Array<Record<string, string>>) {
      const reply = await mediaReply(request(url, headers), resolver);
      expect(reply.status).toBe(200);
      expect(reply.headers['Content-Length']).toBe(String(bytes.length));
      expect((await readStream(toStreamResponse(reply).data)).equals(bytes)).toBe(true);
    }
    const fresh = await mediaReply(request(url, { Range: 'bytes=0-9', 'If-Range': `"${sha}"` }), resolver);
    expect(fresh.status).toBe(206);
  });

  it('answers 416 with Content-Range */size for an unsatisfiable range', async () => {
    const reply = await mediaReply(request(url, { Range: `bytes=${bytes.length}-` }), resolver);
    expect(reply.status).toBe(416);
    expect(reply.headers['Content-Range']).toBe(`bytes */${bytes.length}`);
    expect(reply.body).toBeNull();
    const response = toWebResponse(reply) as Response;
    expect(response.status).toBe(416);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('answers HEAD without a body', async () => {
    const reply = await mediaReply(request(url, {}, 'HEAD'), resolver);
    expect(reply.status).toBe(200);
    expect(reply.headers['Content-Length']).toBe(String(bytes.length));
    expect(reply.body).toBeNull();
  });

  it('404s unknown hashes and malformed URLs without asking the file system for a request path', async () => {
    lookups.length = 0;
    expect((await mediaReply(request(`tp-media://teachpoint/media/${'0'.repeat(64)}`), resolver)).status).toBe(404);
    expect((await mediaReply(request('tp-media://teachpoint/media/..%2f..%2fetc%2fpasswd'), resolver)).status).toBe(404);
    expect(lookups).toEqual(['0'.repeat(64)]);
  });

  it('404s when the store lost the file behind a known hash', async () => {
    const ghost: MediaResolver = { resolve: async () => ({ ...blob, path: path.join(dir, 'missing') }) };
    expect((await mediaReply(request(url), ghost)).status).toBe(404);
  });

  it('never answers a courseware URL with a blob that is not a zip (no raw bytes, sandboxing CSP even on 404)', async () => {
    const courseware = await mediaReply(request(`tp-media://teachpoint/courseware/${sha}/index.html`), resolver);
    expect(courseware.headers['Content-Security-Policy']).toMatch(/^sandbox allow-scripts;/);
    expect(courseware.status).toBe(404);
    expect(courseware.body).toEqual({ kind: 'text', text: expect.any(String) });
  });

  it('serves media without a CSP but with CORS for the app origin', async () => {
    const media: ProtocolReply = await mediaReply(request(url), resolver);
    expect(media.headers['Content-Security-Policy']).toBeUndefined();
    expect(media.headers['Access-Control-Allow-Origin']).toBe('app://teachpoint');
  });
});

describe('courseware entries (tp-media://teachpoint/courseware/<sha256>/<entry>)', () => {
  const html = '<!doctype html><meta charset="utf-8"><h1>认识数字</h1><script src="app.js"></script>';
  const clip = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 13) % 256));
  const zip = makeZip([
    { name: 'index.html', data: Buffer.from(html), deflate: true },
    { name: 'app.js', data: Buffer.from('document.title = "ok";'), deflate: true },
    { name: '媒体/片段.mp4', data: clip, deflate: false },
  ]);
  const zipSha = createHash('sha256').update(zip).digest('hex');
  const zipPath = path.join(dir, zipSha);
  writeFileSync(zipPath, zip);
  const zipResolver: MediaResolver = {
    resolve: async (hash) => (hash === zipSha ? { path: zipPath, size: zip.length, mime: 'application/zip', sha256: zipSha } : hash === sha ? blob : null),
  };
  const base = `tp-media://teachpoint/courseware/${zipSha}`;

  it('serves a deflated entry inflated, under the sandboxing CSP with CORS for the opaque origin', async () => {
    for (const u of [`${base}/`, `${base}/index.html`, base]) {
      const reply = await mediaReply(request(u), zipResolver);
      expect(reply.status, u).toBe(200);
      expect(reply.headers['Content-Type']).toBe('text/html; charset=utf-8');
      expect(reply.headers['Content-Security-Policy']).toMatch(/^sandbox allow-scripts;.*connect-src 'none'.*frame-ancestors app:\/\/teachpoint/);
      expect(reply.headers['Access-Control-Allow-Origin']).toBe('*');
      expect(reply.headers['Accept-Ranges']).toBe('none');
      // The WebRTC guard (electron/host/courseware-guard.ts) is the document's first script.
      expect((await readStream(toStreamResponse(reply).data)).toString('utf8')).toBe(html.replace(/^<!doctype html>/i, (d) => `${d}<script>${COURSEWARE_GUARD_SCRIPT}</script>`));
    }
  });

  it('answers byte ranges of a stored entry straight from the zip file', async () => {
    const reply = await mediaReply(request(`${base}/${encodeURIComponent('媒体')}/${encodeURIComponent('片段.mp4')}`, { Range: 'bytes=100-199' }), zipResolver);
    expect(reply.status).toBe(206);
    expect(reply.headers['Content-Range']).toBe(`bytes 100-199/${clip.length}`);
    expect(reply.headers['Content-Type']).toBe('video/mp4');
    expect(reply.body).toMatchObject({ kind: 'file', path: zipPath });
    expect((await readStream(toStreamResponse(reply).data)).equals(clip.subarray(100, 200))).toBe(true);
  });

  it('refuses traversal, unknown entries and unknown hashes with a sandboxed 404', async () => {
    const urls = [
      `${base}/../index.html`,
      `${base}/a/%2e%2e/%2e%2e/index.html`,
      `${base}/..%2fapp.js`,
      `${base}/missing.html`,
      `${base}/%2Fetc%2Fpasswd`,
      `tp-media://teachpoint/courseware/${'0'.repeat(64)}/index.html`,
    ];
    for (const u of urls) {
      const reply = await mediaReply(request(u), zipResolver);
      expect(reply.status, u).toBe(404);
      expect(reply.body?.kind, u).toBe('text');
    }
  });

  it('HEAD answers headers only', async () => {
    const reply = await mediaReply(request(`${base}/app.js`, {}, 'HEAD'), zipResolver);
    expect(reply.status).toBe(200);
    expect(reply.body).toBeNull();
    expect(reply.headers['Content-Type']).toMatch(/javascript/);
  });
});

describe('single-file HTML courseware (an html5 blob that is one text/html document)', () => {
  const page = '<!doctype html><meta charset="utf-8"><title>认识钟表</title><script>document.title = "ok";</script>';
  const pageBytes = Buffer.from(page);
  const pageSha = createHash('sha256').update(pageBytes).digest('hex');
  const pagePath = path.join(dir, pageSha);
  writeFileSync(pagePath, pageBytes);
  const htmlResolver: MediaResolver = {
    resolve: async (hash) => (hash === pageSha ? { path: pagePath, size: pageBytes.length, mime: 'text/html', sha256: pageSha } : null),
  };
  const base = `tp-media://teachpoint/courseware/${pageSha}`;

  it('plays as its own index.html under the sandboxing CSP with the WebRTC guard first', async () => {
    for (const u of [`${base}/`, `${base}/index.html`, base]) {
      const reply = await mediaReply(request(u), htmlResolver);
      expect(reply.status, u).toBe(200);
      expect(reply.headers['Content-Type']).toBe('text/html; charset=utf-8');
      expect(reply.headers['Content-Security-Policy']).toMatch(/^sandbox allow-scripts;.*connect-src 'none'.*frame-ancestors app:\/\/teachpoint/);
      expect((await readStream(toStreamResponse(reply).data)).toString('utf8')).toBe(page.replace(/^<!doctype html>/i, (d) => `${d}<script>${COURSEWARE_GUARD_SCRIPT}</script>`));
    }
    expect((await mediaReply(request(`${base}/app.js`), htmlResolver)).status).toBe(404);
  });

  it('is inert when fetched as plain media (sandboxed, no scripts, not frameable)', async () => {
    const reply = await mediaReply(request(`tp-media://teachpoint/media/${pageSha}`), htmlResolver);
    expect(reply.status).toBe(200);
    expect(reply.headers['Content-Security-Policy']).toBe("sandbox; default-src 'none'; frame-ancestors 'none'");
  });
});
