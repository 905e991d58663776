import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { COURSEWARE_GUARD_SCRIPT } from '../courseware-guard';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { TeachPointError } from '../../../common/errors/errors';
import { makeZip } from '../../../tests/e2e/zip-fixture';
import type { MediaResolver } from '../../../common/media/media';
import { createEventHub } from '../events';
import { buildAppCsp } from '../../main/security';
import { APP_CSP, COURSEWARE_CSP } from './respond';
import { MAX_BODY_BYTES, startHttpTransport, type HttpTransport } from './server';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvw';
const root = mkdtempSync(join(tmpdir(), 'tp-http-'));
const staticDir = join(root, 'renderer');
const INDEX = '<!doctype html><title>TeachPoint shell</title>';
const SECRET = 'TOP-SECRET-OUTSIDE-ROOT';
const mediaBytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
const mediaSha = createHash('sha256').update(mediaBytes).digest('hex');
const mediaPath = join(root, 'blob.bin');

const appInfo = {
  name: 'TeachPoint',
  version: '0.0.0-test',
  shell: 'browser' as const,
  platform: 'linux',
  arch: 'x64',
  nodeVersion: process.versions.node,
  electronVersion: null,
  dataDir: root,
  safeMode: false,
};
const calls = { appInfo: vi.fn(async () => appInfo), setSafeMode: vi.fn(async ({ enabled }: { enabled: boolean }) => ({ safeMode: enabled, restartRequired: true })) };
const notUsed = async () => {
  throw new Error('not used in this test');
};
const handlers = {
  'app.info': () => calls.appInfo(),
  'app.setSafeMode': (req: { enabled: boolean }) => calls.setSafeMode(req),
  'app.flushed': async () => ({}),
  'storage.usage': notUsed,
  'drives.list': async () => [],
  'drives.scan': async () => {
    throw new TeachPointError('drives.not-found', { zh: '找不到该U盘', en: 'Drive not found' }, { driveId: 'x' });
  },
  'packs.list': async () => {
    throw new Error('internal detail that must not leak');
  },
  'packs.import': notUsed,
  // A host bug: an answer outside the contract (cancelled must be a boolean).
  'packs.cancelImport': async () => ({ cancelled: 'LEAKED-not-a-boolean' }),
  'packs.remove': notUsed,
  'packs.export': notUsed,
} as unknown as BridgeHandlers;

const COURSE_HTML = '<!doctype html><meta charset="utf-8"><h1>认识数字</h1><script src="app.js"></script>';
const courseVideo = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
const courseZip = makeZip([
  { name: 'index.html', data: Buffer.from(COURSE_HTML), deflate: true },
  { name: 'app.js', data: Buffer.from('document.title = "ok";'), deflate: true },
  { name: '媒体/片段.mp4', data: courseVideo, deflate: false },
]);
const courseSha = createHash('sha256').update(courseZip).digest('hex');
const coursePath = join(root, 'course.zip');

const resolver: MediaResolver & { resolve: ReturnType<typeof vi.fn> } = {
  resolve: vi.fn(async (sha: string) => {
    if (sha === mediaSha) return { path: mediaPath, size: mediaBytes.length, mime: 'video/mp4', sha256: mediaSha };
    if (sha === courseSha) return { path: coursePath, size: courseZip.length, mime: 'application/zip', sha256: courseSha };
    return null;
  }),
};
const hub = createEventHub(() => undefined);
let server: HttpTransport;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test replies are inspected loosely
  json: () => any;
}

function request(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${server.port}`, ...init.headers };
    const req = http.request({ host: '127.0.0.1', port: server.port, path, method: init.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8'), json: () => JSON.parse(body.toString('utf8')) });
      });
    });
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

const bridge = (method: string, body: unknown = {}, headers: Record<string, string> = {}) =>
  request(`/api/bridge/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), INDEX);
  writeFileSync(join(staticDir, 'assets', 'app-abc123.js'), 'console.log(1)');
  writeFileSync(join(staticDir, '.env'), SECRET);
  writeFileSync(join(root, 'secret.txt'), SECRET);
  writeFileSync(mediaPath, mediaBytes);
  writeFileSync(coursePath, courseZip);
  server = await startHttpTransport({ handlers, events: hub, media: resolver, staticDir, token: TOKEN, port: 0, heartbeatMs: 60_000, log: () => undefined });
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  calls.appInfo.mockClear();
  calls.setSafeMode.mockClear();
  resolver.resolve.mockClear();
});

describe('transport basics', () => {
  it('binds to loopback and builds the app URL with the token in the fragment', () => {
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.appUrl).toBe(`http://127.0.0.1:${server.port}/#token=${TOKEN}`);
  });

  it('generates a 32-byte base64url token when none is given', async () => {
    const other = await startHttpTransport({ handlers, events: hub, media: null, staticDir: null, log: () => undefined });
    try {
      expect(other.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(other.token).not.toBe(TOKEN);
    } finally {
      await other.close();
    }
  });
});

describe('POST /api/bridge/<method>', () => {
  it('answers a valid call with {ok:true,value}', async () => {
    const r = await bridge('app.info');
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ ok: true, value: appInfo });
    expect(r.headers['cache-control']).toBe('no-store');
    expect(calls.appInfo).toHaveBeenCalledTimes(1);
  });

  it('passes the validated payload to the handler', async () => {
    const r = await bridge('app.setSafeMode', { enabled: true });
    expect(r.json()).toEqual({ ok: true, value: { safeMode: true, restartRequired: true } });
    expect(calls.setSafeMode).toHaveBeenCalledWith({ enabled: true });
  });

  it('missing or wrong token → 401 before anything else; the handler is never called', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: TOKEN },
      { authorization: `Basic ${TOKEN}` },
      { authorization: 'Bearer ' },
    ];
    for (const headers of attempts) {
      const r = await request('/api/bridge/app.info', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.json().error.code).toBe('bridge.unauthorized');
    }
    // even an unknown method or a bad payload is a 401 without the token
    const unknown = await request('/api/bridge/nope', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(unknown.status).toBe(401);
    expect(calls.appInfo).not.toHaveBeenCalled();
  });

  it('invalid payload → 400 bridge.invalid-request; handler not called', async () => {
    const r = await bridge('app.setSafeMode', { enabled: 'yes' });
    expect(r.status).toBe(400);
    const body = r.json();
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('bridge.invalid-request');
    expect(body.error.message.zh).toBeTruthy();
    expect(body.error.message.en).toBeTruthy();
    expect(body.error.details.issues[0].path).toBe('enabled');
    const extra = await bridge('app.info', { sneaky: 1 });
    expect(extra.status).toBe(400);
    expect(calls.setSafeMode).not.toHaveBeenCalled();
    expect(calls.appInfo).not.toHaveBeenCalled();
  });

  it('malformed JSON → 400', async () => {
    const r = await request('/api/bridge/app.info', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"oops"',
    });
    expect(r.status).toBe(400);
    expect(r.json().error.code).toBe('bridge.invalid-request');
  });

  it('unknown method → 400 bridge.unknown-method', async () => {
    for (const m of ['app.nope', '__proto__', 'constructor', 'toString']) {
      const r = await bridge(m);
      expect(r.status, m).toBe(400);
      expect(r.json().error.code).toBe('bridge.unknown-method');
    }
  });

  it('non-JSON content type → 415; GET → 405', async () => {
    const r = await request('/api/bridge/app.info', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body: '{}' });
    expect(r.status).toBe(415);
    const none = await request('/api/bridge/app.info', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{}' });
    expect(none.status).toBe(415);
    const get = await request('/api/bridge/app.info', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
    expect(calls.appInfo).not.toHaveBeenCalled();
  });

  it('body over 1 MiB → 413', async () => {
    const big = JSON.stringify({ enabled: true, pad: 'x'.repeat(MAX_BODY_BYTES) });
    const r = await bridge('app.setSafeMode', JSON.parse(big));
    expect(r.status).toBe(413);
    expect(calls.setSafeMode).not.toHaveBeenCalled();
  });

  it('feature errors keep their code (422); unexpected errors are 500 without details', async () => {
    const r = await bridge('drives.scan', { driveId: 'x' });
    expect(r.status).toBe(422);
    expect(r.json().error).toEqual({ code: 'drives.not-found', message: { zh: '找不到该U盘', en: 'Drive not found' }, details: { driveId: 'x' } });
    const internal = await bridge('packs.list');
    expect(internal.status).toBe(500);
    expect(internal.json().error.code).toBe('bridge.internal');
    expect(internal.text).not.toContain('internal detail');
  });

  it('an answer outside the response schema → 500 bridge.invalid-response naming the field; the bad value never reaches the client', async () => {
    const r = await bridge('packs.cancelImport');
    expect(r.status).toBe(500);
    const body = r.json();
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('bridge.invalid-response');
    expect(body.error.message.zh).toBeTruthy();
    expect(body.error.message.en).toBeTruthy();
    expect(body.error.details).toEqual({ method: 'packs.cancelImport', issues: [{ path: 'cancelled', message: expect.any(String) }] });
    expect(r.text).not.toContain('LEAKED');
  });
});

describe('Host and Origin checks (DNS rebinding, cross-site)', () => {
  it('refuses a foreign Host header even with the right token', async () => {
    for (const host of [`evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, `127.0.0.1`, `127.0.0.1.evil.example:${server.port}`]) {
      const r = await bridge('app.info', {}, { host });
      expect(r.status, host).toBe(403);
    }
    const page = await request('/', { headers: { host: `evil.example:${server.port}` } });
    expect(page.status).toBe(403);
    // no Host header at all (HTTP/1.0 over a raw socket)
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.end(`GET / HTTP/1.0\r\n\r\n`));
      let text = '';
      socket.on('data', (c) => (text += c.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw.split('\r\n')[0]).toContain(' 403 ');
    expect(calls.appInfo).not.toHaveBeenCalled();
  });

  it('accepts localhost:<port>', async () => {
    const r = await bridge('app.info', {}, { host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` });
    expect(r.status).toBe(200);
  });

  it('refuses a foreign Origin; accepts the app origin', async () => {
    for (const origin of ['http://evil.example', 'null', `https://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]) {
      const r = await bridge('app.info', {}, { origin });
      expect(r.status, origin).toBe(403);
    }
    expect(calls.appInfo).not.toHaveBeenCalled();
    const ok = await bridge('app.info', {}, { origin: server.origin });
    expect(ok.status).toBe(200);
  });
});

describe('static renderer', () => {
  it('serves index.html at / with the strict CSP and nosniff', async () => {
    const r = await request('/');
    expect(r.status).toBe(200);
    expect(r.text).toBe(INDEX);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(APP_CSP);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
  });

  it('lets the shell load fonts from itself and bundled data: slices, like the app:// shell, and nothing else', () => {
    const directive = (csp: string, name: string): string[] | undefined =>
      csp.split(';').map((d) => d.trim().split(/\s+/)).find(([n]) => n === name)?.slice(1);
    expect(directive(APP_CSP, 'font-src')).toEqual(["'self'", 'data:']);
    expect(directive(APP_CSP, 'font-src')).toEqual(directive(buildAppCsp(), 'font-src'));
    // still strict: no inline/eval script, nothing off the device
    expect(directive(APP_CSP, 'script-src')).toEqual(["'self'"]);
    expect(APP_CSP).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('serves assets with their content type and falls back to index.html for app routes', async () => {
    const js = await request('/assets/app-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    const route = await request('/teacher/lessons?x=1');
    expect(route.status).toBe(200);
    expect(route.text).toBe(INDEX);
    const missing = await request('/assets/missing.js');
    expect(missing.status).toBe(404);
    const head = await request('/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('refuses traversal, encoded traversal, backslashes, NUL and dot-files', async () => {
    const attempts = [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/../../secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets%5c..%5c..%5csecret.txt',
      '/..%5csecret.txt',
      '/%00secret.txt',
      '/.env',
      '/assets/%2e%2e/.env',
      '/%ff%fe',
      `/${encodeURIComponent(join(root, 'secret.txt'))}`,
    ];
    for (const path of attempts) {
      const r = await request(path);
      expect(r.text, path).not.toContain(SECRET);
      expect([400, 404], path).toContain(r.status);
    }
  });

  it('answers 503 with a bilingual hint when the renderer is not built', async () => {
    const bare = await startHttpTransport({ handlers, events: hub, media: null, staticDir: join(root, 'nope'), log: () => undefined });
    try {
      const r = await new Promise<{ status: number; text: string }>((resolve) => {
        http.get({ host: '127.0.0.1', port: bare.port, path: '/', agent: false }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
      });
      expect(r.status).toBe(503);
      expect(r.text).toContain('npm run build:renderer');
      expect(r.text).toContain('界面尚未构建');
    } finally {
      await bare.close();
    }
  });
});

describe('GET /media/<sha256>', () => {
  const url = (sha = mediaSha, token: string | null = TOKEN) => `/media/${sha}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;

  it('requires the token', async () => {
    expect((await request(url(mediaSha, null))).status).toBe(401);
    expect((await request(url(mediaSha, 'wrong'))).status).toBe(401);
    expect(resolver.resolve).not.toHaveBeenCalled();
  });

  it('serves the whole blob with strong ETag, type, ranges and immutable caching', async () => {
    const r = await request(url());
    expect(r.status).toBe(200);
    expect(r.body.equals(mediaBytes)).toBe(true);
    expect(r.headers['etag']).toBe(`"${mediaSha}"`);
    expect(r.headers['content-type']).toBe('video/mp4');
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(r.headers['content-length']).toBe('1000');
    expect(r.headers['cache-control']).toBe('private, max-age=31536000, immutable');
  });

  it('Range → 206 with exactly the requested bytes', async () => {
    const r = await request(url(), { headers: { range: 'bytes=100-199' } });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe('bytes 100-199/1000');
    expect(r.body.equals(mediaBytes.subarray(100, 200))).toBe(true);
    const suffix = await request(url(), { headers: { range: 'bytes=-10' } });
    expect(suffix.status).toBe(206);
    expect(suffix.body.equals(mediaBytes.subarray(990))).toBe(true);
    const open = await request(url(), { headers: { range: 'bytes=995-' } });
    expect(open.body.equals(mediaBytes.subarray(995))).toBe(true);
  });

  it('unsatisfiable Range → 416 with Content-Range */size', async () => {
    const r = await request(url(), { headers: { range: 'bytes=1000-' } });
    expect(r.status).toBe(416);
    expect(r.headers['content-range']).toBe('bytes */1000');
    expect(r.body.length).toBe(0);
  });

  it('If-Range: matching ETag → 206; mismatch → 200 full', async () => {
    const ok = await request(url(), { headers: { range: 'bytes=0-9', 'if-range': `"${mediaSha}"` } });
    expect(ok.status).toBe(206);
    expect(ok.body.equals(mediaBytes.subarray(0, 10))).toBe(true);
    const stale = await request(url(), { headers: { range: 'bytes=0-9', 'if-range': '"0000"' } });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(mediaBytes)).toBe(true);
  });

  it('HEAD → headers only', async () => {
    const r = await request(url(), { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe('1000');
    expect(r.headers['etag']).toBe(`"${mediaSha}"`);
    expect(r.body.length).toBe(0);
  });

  it('only 64-hex names reach the resolver; unknown blobs are 404', async () => {
    for (const name of ['abc', mediaSha.toUpperCase(), `${mediaSha}0`, '..%2f..%2fsecret.txt', `..%2f${mediaSha}`, `${mediaSha}/x`]) {
      const r = await request(`/media/${name}?token=${TOKEN}`);
      expect(r.status, name).toBe(404);
      expect(r.text).not.toContain(SECRET);
    }
    expect(resolver.resolve).not.toHaveBeenCalled();
    const unknown = await request(url('f'.repeat(64)));
    expect(unknown.status).toBe(404);
    expect(resolver.resolve).toHaveBeenCalledWith('f'.repeat(64));
  });

  it('other methods → 405', async () => {
    expect((await request(url(), { method: 'POST' })).status).toBe(405);
  });
});

describe('GET /courseware/<sha256>/<entry>', () => {
  it('serves zip entries (deflated and stored) under the sandboxing CSP, index.html by default', async () => {
    for (const path of [`/courseware/${courseSha}/index.html`, `/courseware/${courseSha}/`, `/courseware/${courseSha}`]) {
      const r = await request(path);
      expect(r.status, path).toBe(200);
      // The WebRTC guard (courseware-guard.ts) is the document's first script; the rest is the entry, byte for byte.
      expect(r.text).toBe(COURSE_HTML.replace(/^<!doctype html>/i, (d) => `${d}<script>${COURSEWARE_GUARD_SCRIPT}</script>`));
      expect(r.text).not.toBe(COURSE_HTML);
      expect(r.headers['content-length']).toBe(String(Buffer.byteLength(r.text)));
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['content-security-policy']).toBe(COURSEWARE_CSP);
      expect(r.headers['content-security-policy']).toContain('sandbox allow-scripts');
    }
    const js = await request(`/courseware/${courseSha}/app.js`);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.text).toBe('document.title = "ok";');
    const video = await request(`/courseware/${courseSha}/${encodeURIComponent('媒体')}/${encodeURIComponent('片段.mp4')}`);
    expect(video.status).toBe(200);
    expect(video.body.equals(courseVideo)).toBe(true);
    expect(video.headers['content-type']).toBe('video/mp4');
  });

  it('answers byte ranges of stored entries', async () => {
    const r = await request(`/courseware/${courseSha}/%E5%AA%92%E4%BD%93/%E7%89%87%E6%AE%B5.mp4`, { headers: { range: 'bytes=100-199' } });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe('bytes 100-199/5000');
    expect(r.body.equals(courseVideo.subarray(100, 200))).toBe(true);
  });

  it('lets the sandboxed page load its own files (Origin null) but never the bridge', async () => {
    const sub = await request(`/courseware/${courseSha}/app.js`, { headers: { origin: 'null' } });
    expect(sub.status).toBe(200);
    expect(sub.headers['access-control-allow-origin']).toBe('*');
    const bridgeCall = await bridge('app.info', {}, { origin: 'null' });
    expect(bridgeCall.status).toBe(403);
  });

  it('refuses unsafe entry names, missing entries, non-zip blobs and unknown hashes', async () => {
    const attempts = [
      `/courseware/${courseSha}/../../secret.txt`,
      `/courseware/${courseSha}/..%2f..%2fsecret.txt`,
      `/courseware/${courseSha}/a%5cb`,
      `/courseware/${courseSha}/C:x`,
      `/courseware/${courseSha}/missing.html`,
      `/courseware/${mediaSha}/index.html`,
      `/courseware/${'e'.repeat(64)}/index.html`,
      `/courseware/not-a-hash/index.html`,
    ];
    for (const path of attempts) {
      const r = await request(path);
      expect(r.status, path).toBe(404);
      expect(r.text).not.toContain(SECRET);
    }
  });
});

describe('GET /api/events (Server-Sent Events)', () => {
  type SseItem = { event: string; data: Record<string, unknown> };
  function openStream(token: string | null): Promise<{ status: number; next: () => Promise<SseItem>; close: () => void; contentType: string | undefined }> {
    return new Promise((resolve, reject) => {
      const path = `/api/events${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
      const req = http.get({ host: '127.0.0.1', port: server.port, path, agent: false, headers: { host: `127.0.0.1:${server.port}` } }, (res) => {
        let buffer = '';
        const queue: SseItem[] = [];
        const waiters: Array<(e: SseItem) => void> = [];
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let idx: number;
          while ((idx = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, idx);
            buffer = buffer.slice(idx + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event === undefined || data === undefined) continue;
            const item: SseItem = { event, data: JSON.parse(data) as Record<string, unknown> };
            const w = waiters.shift();
            if (w) w(item);
            else queue.push(item);
          }
        });
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          next: () => new Promise((r) => (queue.length > 0 ? r(queue.shift()!) : waiters.push(r))),
          close: () => req.destroy(),
        });
      });
      req.on('error', reject);
    });
  }

  it('requires the token', async () => {
    const s = await openStream(null);
    expect(s.status).toBe(401);
    s.close();
    const bad = await openStream('bad');
    expect(bad.status).toBe(401);
    bad.close();
  });

  it('starts with app.heartbeat, then delivers emitted events; invalid payloads are dropped', async () => {
    const s = await openStream(TOKEN);
    try {
      expect(s.status).toBe(200);
      expect(s.contentType).toBe('text/event-stream; charset=utf-8');
      const first = await s.next();
      expect(first.event).toBe('app.heartbeat');
      expect(typeof first.data.at).toBe('string');
      // invalid payload: must never reach the stream
      hub.emit('drives.changed', { drives: 'not-an-array' } as never);
      hub.emit('drives.changed', { drives: [], arrived: [], left: [] });
      const second = await s.next();
      expect(second).toEqual({ event: 'drives.changed', data: { drives: [], arrived: [], left: [] } });
    } finally {
      s.close();
    }
  });

  it('close() ends open streams', async () => {
    const extra = await startHttpTransport({ handlers, events: hub, media: null, staticDir: null, token: TOKEN, log: () => undefined });
    const ended = new Promise<void>((resolve) => {
      http.get({ host: '127.0.0.1', port: extra.port, path: `/api/events?token=${TOKEN}`, agent: false }, (res) => {
        res.once('data', () => void extra.close());
        res.on('end', () => resolve());
        res.on('close', () => resolve());
      });
    });
    await ended;
    expect(hub.listenerCount).toBe(0);
  });
});
