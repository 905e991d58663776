import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { BridgeHandlers } from '../../common/bridge/contract';
import { createEventHub } from '../../electron/host/events';
import { startHttpTransport, type HttpTransport } from '../../electron/host/http/server';
import { makeZip } from './zip-fixture';

// HTML5 courseware served from /courseware/<sha256>/… must run in real Chromium inside a sandboxed
// frame: its scripts (classic and module), styles and images load, but it has an opaque origin, cannot
// touch the app page, and cannot reach the network or the bridge. Uses its own in-process transport
// with a fake resolver (no sample pack holds courseware yet). The iframe deliberately has NO sandbox
// attribute: the server's CSP (`sandbox allow-scripts; connect-src 'none'`) alone must confine it.
let dir: string;
let transport: HttpTransport;
let sha: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-courseware-'));
  const html =
    '<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="s.css"><h1 id="h">…</h1>' +
    '<img id="i" src="图/点.svg"><script src="app.js"></script><script type="module" src="m.js"></script>';
  const app = `document.getElementById('h').textContent = 'origin:' + String(window.origin);
fetch('/api/bridge/app.info', { method: 'POST' }).then(() => (document.body.dataset.fetch = 'reached'), () => (document.body.dataset.fetch = 'blocked'));
try { parent.document.title; document.body.dataset.parent = 'reachable'; } catch { document.body.dataset.parent = 'blocked'; }`;
  const zip = makeZip([
    { name: 'index.html', data: Buffer.from(html), deflate: true },
    { name: 'app.js', data: Buffer.from(app), deflate: true },
    { name: 'm.js', data: Buffer.from(`document.body.dataset.module = 'ran';`), deflate: false },
    { name: 's.css', data: Buffer.from('h1 { color: rgb(255, 0, 0); }'), deflate: true },
    { name: '图/点.svg', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), deflate: true },
  ]);
  sha = createHash('sha256').update(zip).digest('hex');
  writeFileSync(join(dir, 'course.zip'), zip);
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), `<!doctype html><title>app</title><iframe id="f" src="/courseware/${sha}/index.html"></iframe>`);
  transport = await startHttpTransport({
    handlers: {} as BridgeHandlers,
    events: createEventHub(() => undefined),
    media: { resolve: async (s) => (s === sha ? { path: join(dir, 'course.zip'), size: zip.length, mime: 'application/zip', sha256: sha } : null) },
    staticDir: join(dir, 'renderer'),
    log: () => undefined,
  });
});

test.afterAll(async () => {
  await transport?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('courseware runs in a sandboxed opaque origin with its own files but no network, bridge or parent access', async ({ page }) => {
  await page.goto(`${transport.origin}/`);
  const frame = page.frameLocator('#f');
  await expect(frame.locator('#h')).toHaveText('origin:null');
  await expect(frame.locator('#h')).toHaveCSS('color', 'rgb(255, 0, 0)');
  await expect(frame.locator('body')).toHaveAttribute('data-module', 'ran');
  await expect(frame.locator('body')).toHaveAttribute('data-fetch', 'blocked');
  await expect(frame.locator('body')).toHaveAttribute('data-parent', 'blocked');
  await expect.poll(() => frame.locator('#i').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(10);
});
