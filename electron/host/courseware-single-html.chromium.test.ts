import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeHandlers } from '../../common/bridge/contract';
import { createEventHub } from './events';
import { startHttpTransport, type HttpTransport } from './http/server';

// Single-file HTML courseware (issue 7 item 7) in real Chromium, framed by the app page the way
// CoursewareView frames it (/courseware/<sha>/index.html): its script runs, but it has no
// RTCPeerConnection (guard), no network (a loopback listener counts every request), no bridge and no
// access to the app page. A control serves the same document without the courseware headers and does
// reach the listener — so this test can fail.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let dir: string;
let transport: HttpTransport;
let listener: http.Server;
let beacons = 0;
let page = '';
let browser: Browser;

function coursewarePage(beaconOrigin: string): string {
  return `<!doctype html><meta charset="utf-8"><title>认识钟表</title><h1>几点了？</h1><script>
(async () => {
  const r = [];
  r.push('pc:' + typeof window.RTCPeerConnection);
  try { await fetch('${beaconOrigin}/beacon?fetch', { mode: 'no-cors' }); r.push('fetch:sent'); } catch (e) { r.push('fetch:blocked'); }
  try { await fetch('/api/bridge/app.info', { method: 'POST', body: '{}' }); r.push('bridge:sent'); } catch (e) { r.push('bridge:blocked'); }
  try { r.push('parent:' + typeof parent.document.title); } catch (e) { r.push('parent:' + e.name); }
  await new Promise((done) => { const i = new Image(); i.onload = i.onerror = done; i.src = '${beaconOrigin}/beacon?img'; });
  document.body.dataset.results = r.join(' ');
})();
</script>`;
}

async function run(appUrl: string): Promise<{ results: string; beacons: number }> {
  beacons = 0;
  const tab = await browser.newPage();
  try {
    await tab.goto(appUrl);
    const results = (await tab.frameLocator('#f').locator('body[data-results]').getAttribute('data-results', { timeout: 20_000 })) ?? '';
    return { results, beacons };
  } finally {
    await tab.close();
  }
}

beforeAll(async () => {
  // The listener: counts beacons; as the control it also serves the app page and the document with no courseware headers.
  listener = http.createServer((req, res) => {
    if (req.url?.startsWith('/beacon')) {
      beacons++;
      return res.end();
    }
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(req.url === '/' ? '<!doctype html><title>control</title><iframe id="f" src="/page.html"></iframe>' : page);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  page = coursewarePage(`http://127.0.0.1:${(listener.address() as net.AddressInfo).port}`);

  dir = mkdtempSync(join(tmpdir(), 'tp-cw-html-chromium-'));
  const bytes = Buffer.from(page);
  const sha = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(dir, 'page.html'), bytes);
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), `<!doctype html><title>app</title><iframe id="f" src="/courseware/${sha}/index.html"></iframe>`);
  transport = await startHttpTransport({
    handlers: {} as BridgeHandlers,
    events: createEventHub(() => undefined),
    media: { resolve: async (s) => (s === sha ? { path: join(dir, 'page.html'), size: bytes.length, mime: 'text/html', sha256: sha } : null) },
    staticDir: join(dir, 'renderer'),
    log: () => undefined,
  });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await transport?.close();
  await new Promise((resolve) => listener?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('single-file HTML courseware in real Chromium', () => {
  it('control: the same document without the courseware headers reaches the network and the page', async () => {
    const r = await run(`http://127.0.0.1:${(listener.address() as net.AddressInfo).port}/`);
    expect(r.results.split(' ')).toEqual(['pc:function', 'fetch:sent', 'bridge:sent', 'parent:string']);
    expect(r.beacons).toBe(2);
  });

  it('framed from the HTTP transport: runs, but no WebRTC, no network, no bridge, no app page', async () => {
    const r = await run(`${transport.origin}/`);
    expect(r.results.split(' ')).toEqual(['pc:undefined', 'fetch:blocked', 'bridge:blocked', 'parent:SecurityError']);
    expect(r.beacons).toBe(0);
  });
});
