import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import type { MediaResolver } from '../../../common/media/media';
import { COURSEWARE_GUARD_SCRIPT } from '../courseware-guard';
import { createEventHub } from '../events';
import { COURSEWARE_CSP } from './respond';
import { startHttpTransport, type HttpTransport } from './server';

// Single-file HTML courseware (issue 7 item 7): an html5 resource whose blob is one text/html document
// plays like zip courseware — same sandbox CSP, WebRTC guard first, no bridge.
const root = mkdtempSync(join(tmpdir(), 'tp-cw-html-'));
const PAGE = '<!doctype html><meta charset="utf-8"><title>认识钟表</title><h1>几点了？</h1><script>document.title = "ok";</script>';
const pageBytes = Buffer.from(PAGE);
const pageSha = createHash('sha256').update(pageBytes).digest('hex');
const pagePath = join(root, 'page.html');
const textBytes = Buffer.from('<!doctype html><p>not courseware</p>');
const textSha = createHash('sha256').update(textBytes).digest('hex');
const textPath = join(root, 'notes.txt');

const resolver: MediaResolver = {
  resolve: async (sha) => {
    if (sha === pageSha) return { path: pagePath, size: pageBytes.length, mime: 'text/html', sha256: pageSha };
    if (sha === textSha) return { path: textPath, size: textBytes.length, mime: 'text/plain', sha256: textSha };
    return null;
  },
};
let server: HttpTransport;

function get(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path, method, headers: { host: `127.0.0.1:${server.port}`, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  writeFileSync(pagePath, pageBytes);
  writeFileSync(textPath, textBytes);
  server = await startHttpTransport({
    handlers: {} as unknown as BridgeHandlers,
    events: createEventHub(() => undefined),
    media: resolver,
    staticDir: null,
    token: 'test-token-0123456789abcdefghijklmnopqrstuvw',
    port: 0,
    heartbeatMs: 60_000,
    log: () => undefined,
  });
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

describe('single-file HTML courseware over HTTP', () => {
  it('serves the document as its own index.html under the sandbox CSP with the WebRTC guard first', async () => {
    for (const path of [`/courseware/${pageSha}/index.html`, `/courseware/${pageSha}/`, `/courseware/${pageSha}`]) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.text).toBe(PAGE.replace(/^<!doctype html>/i, (d) => `${d}<script>${COURSEWARE_GUARD_SCRIPT}</script>`));
      expect(r.headers['content-length']).toBe(String(Buffer.byteLength(r.text)));
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['content-security-policy']).toBe(COURSEWARE_CSP);
      expect(r.headers['content-security-policy']).toContain('sandbox allow-scripts');
      expect(r.headers['content-security-policy']).toContain("connect-src 'none'");
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers['accept-ranges']).toBe('none');
    }
  });

  it('answers HEAD with the guarded length and no body, and ignores ranges', async () => {
    const head = await get(`/courseware/${pageSha}/index.html`, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers['content-length']).toBe(String(pageBytes.length + Buffer.byteLength(`<script>${COURSEWARE_GUARD_SCRIPT}</script>`)));
    const ranged = await get(`/courseware/${pageSha}/index.html`, 'GET', { range: 'bytes=0-9' });
    expect(ranged.status).toBe(200);
    expect(ranged.text).toContain(COURSEWARE_GUARD_SCRIPT);
  });

  it('is inert when fetched as plain media: sandboxed without scripts, not frameable', async () => {
    const r = await get(`/media/${pageSha}?token=test-token-0123456789abcdefghijklmnopqrstuvw`);
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toBe("sandbox; default-src 'none'; frame-ancestors 'none'");
  });

  it('has no other entries, and a non-HTML blob is not courseware', async () => {
    for (const path of [`/courseware/${pageSha}/app.js`, `/courseware/${pageSha}/sub/index.html`, `/courseware/${textSha}/index.html`, `/courseware/${'e'.repeat(64)}/index.html`]) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.text).not.toContain('not courseware');
    }
  });
});
