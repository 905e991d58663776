import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { rendererOut } from '../../scripts/lib/renderer-build.mjs';
import { REPO_ROOT } from './app';

/**
 * Defect "records lost on restart in browser mode" (issue 7): the browser keeps IndexedDB and the
 * language choice per origin, so the host must come back on the same port. Here: a host whose port
 * comes from <data>/settings.json (no --port flag, as `npm start` runs it), one Chromium profile
 * (persistent context, like start.mjs's app window), a record and a language choice made, browser
 * AND host stopped, both started again — same origin, the record and the language are still there.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Contexts are launched by hand (persistent profile); tracing them would only add files to race on.
test.use({ trace: 'off' });
const MARKER_KEY = 'e2e.restart-marker';

let work = '';
test.beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tp-e2e-restart-'));
});
test.afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface RunningHost {
  url: string;
  child: ChildProcess;
  stop: () => Promise<number | null>;
}

/** `serve.ts --data <dir>` with no port flag and no $TEACHPOINT_PORT: the port is the device setting. */
async function startHost(dataDir: string, staticDir: string): Promise<RunningHost> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/host/cli/serve.ts', '--data', dataDir, '--static', staticDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TEACHPOINT_PORT: '', TEACHPOINT_EXTRA_DRIVES: '', TEACHPOINT_SAMPLES_DIR: '', TEACHPOINT_TRUST_ROOTS: '' },
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host printed no URL in 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /^TEACHPOINT_URL=(\S+)$/m.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => reject(new Error(`host exited (${code}):\n${out}`)));
  });
  return {
    url,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function openApp(profile: string, url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    locale: 'en-US',
    viewport: { width: 1024, height: 768 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  await expect(page.getByRole('navigation').first()).toBeVisible();
  return { context, page };
}

/** Raw IndexedDB on the app's own database (`teachpoint`, table `settings`), after the app opened it. */
function putMarker(page: Page, value: string): Promise<void> {
  return page.evaluate(
    ([key, v]) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('teachpoint');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('settings', 'readwrite', { durability: 'strict' });
          tx.objectStore('settings').put({ key, value: v });
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    [MARKER_KEY, value] as const,
  );
}

function readMarker(page: Page): Promise<unknown> {
  return page.evaluate(
    (key) =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('teachpoint');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('settings')) {
            db.close();
            resolve(undefined);
            return;
          }
          const get = db.transaction('settings', 'readonly').objectStore('settings').get(key);
          get.onsuccess = () => {
            db.close();
            resolve((get.result as { value?: unknown } | undefined)?.value);
          };
          get.onerror = () => reject(get.error);
        };
      }),
    MARKER_KEY,
  );
}

test('a record and the language choice made before a host restart are there after it (same fixed port, same origin)', async () => {
  test.setTimeout(180_000);
  const dataDir = join(work, 'data');
  const staticDir = join(work, 'renderer');
  const profile = join(work, 'chromium-profile');
  cpSync(rendererOut, staticDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ safeMode: false, port }));

  // First launch: starts in zh-CN, the teacher switches to English, a record is written.
  const first = await startHost(dataDir, staticDir);
  const firstOrigin = new URL(first.url).origin;
  expect(firstOrigin).toBe(`http://127.0.0.1:${port}`);
  let { context, page } = await openApp(profile, first.url);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const marker = `made before restart ${Date.now()}`;
  await putMarker(page, marker);
  expect(await readMarker(page)).toBe(marker);
  await context.close();
  expect(await first.stop()).toBe(0);

  // Second launch of both processes on the same data dir and profile.
  const second = await startHost(dataDir, staticDir);
  try {
    expect(new URL(second.url).origin).toBe(firstOrigin);
    expect(second.url).not.toBe(first.url); // a new session token, same origin
    ({ context, page } = await openApp(profile, second.url));
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');
    expect(await readMarker(page)).toBe(marker);
    await context.close();
  } finally {
    await second.stop();
  }

  // Control (the old behaviour): the same profile on another port is another origin — nothing there.
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ safeMode: false, port: await freePort() }));
  const moved = await startHost(dataDir, staticDir);
  try {
    expect(new URL(moved.url).origin).not.toBe(firstOrigin);
    ({ context, page } = await openApp(profile, moved.url));
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    expect(await readMarker(page)).toBeUndefined();
    await context.close();
  } finally {
    await moved.stop();
  }
});
