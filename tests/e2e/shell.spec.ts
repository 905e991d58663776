import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { REPO_ROOT, e2eState, screenshotPath } from './app';

const state = e2eState();
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Console messages that mean the app broke: CSP refusals, uncaught errors. */
function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    // (failed loads are reported with their URL by the response listener below)
    if (/^Failed to load resource/.test(msg.text())) return;
    if (msg.type() === 'error' || /Content Security Policy|Refused to/.test(msg.text())) problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} ${res.url()}`);
  });
  return problems;
}

test.describe('app shell over the HTTP transport', () => {
  test('renders in zh-CN by default, shows app.info and storage.usage, hides the token', async ({ page }) => {
    const problems = watchConsole(page);
    const response = await page.goto(state.appUrl);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");

    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByText('教学点课堂', { exact: true }).first()).toBeVisible();
    const nav = page.getByRole('navigation', { name: '主导航' });
    await expect(nav.getByRole('link', { name: '资源库' })).toBeVisible();
    await expect(nav.getByRole('link', { name: '教师' })).toBeVisible();
    await expect(nav.getByRole('link', { name: '学生' })).toBeVisible();
    await expect(page.getByRole('button', { name: '中文' })).toHaveAttribute('aria-pressed', 'true');

    // app.info and storage.usage came through the bridge
    await expect(page.getByTestId('app-version')).toHaveText(version);
    await expect(page.getByTestId('storage-usage')).toContainText(/可用 .+ \/ 共 .+/);
    // Node version and data folder are on the About page, not on every teaching screen.
    await expect(page.getByText(state.dataDir, { exact: true })).toHaveCount(0);
    await page.getByRole('contentinfo').getByRole('link', { name: '关于本机' }).click();
    await expect(page.getByText(state.dataDir, { exact: true })).toBeVisible();
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '资源库' }).click();
    // app.heartbeat arrived over Server-Sent Events
    await expect(page.getByText('本机服务：正常')).toBeVisible();

    // the token left the address bar (it lives in sessionStorage for this tab only)
    expect(page.url()).not.toContain(state.token);
    await page.screenshot({ path: screenshotPath('shell-zh-CN.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  test('switches to English, keeps the choice after a reload, and back to Chinese', async ({ page }) => {
    const problems = watchConsole(page);
    await page.goto(state.appUrl);
    await expect(page.getByTestId('app-version')).toHaveText(version);

    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await expect(nav.getByRole('link', { name: 'Library' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Teacher' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Student' })).toBeVisible();
    await expect(page.getByTestId('storage-usage')).toContainText(/free of/);
    await expect(page.getByText('教学点课堂', { exact: true })).toHaveCount(0);

    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');
    // the bridge still works after the reload (token kept in sessionStorage)
    await expect(page.getByTestId('app-version')).toHaveText(version);

    await page.getByRole('button', { name: '中文' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '资源库' })).toBeVisible();
    expect(problems).toEqual([]);
  });

  test('client-side routes work (teacher and student entry points)', async ({ page }) => {
    await page.goto(state.appUrl);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '教师' }).click();
    await expect(page.getByRole('heading', { name: '教师', exact: true })).toBeVisible();
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '学生' }).click();
    await expect(page.getByRole('heading', { name: '学生', exact: true })).toBeVisible();
  });
});

test.describe('bridge refuses bad calls', () => {
  test('POST /api/bridge/app.info: bad token → 401, invalid payload → 400, good call → 200', async ({ request }) => {
    const url = `${state.origin}/api/bridge/app.info`;
    const json = { 'Content-Type': 'application/json' };

    const noToken = await request.post(url, { headers: json, data: {} });
    expect(noToken.status()).toBe(401);
    expect((await noToken.json()).error.code).toBe('bridge.unauthorized');

    const badToken = await request.post(url, { headers: { ...json, Authorization: `Bearer ${state.token.slice(0, -2)}xx` }, data: {} });
    expect(badToken.status()).toBe(401);
    const badBody = await badToken.json();
    expect(badBody).toMatchObject({ ok: false, error: { code: 'bridge.unauthorized' } });
    expect(badBody.error.message.zh).toBeTruthy();

    const invalid = await request.post(url, { headers: { ...json, Authorization: `Bearer ${state.token}` }, data: { unexpected: true } });
    expect(invalid.status()).toBe(400);
    expect(await invalid.json()).toMatchObject({ ok: false, error: { code: 'bridge.invalid-request' } });

    const unknown = await request.post(`${state.origin}/api/bridge/app.reboot`, { headers: { ...json, Authorization: `Bearer ${state.token}` }, data: {} });
    expect(unknown.status()).toBe(400);
    expect((await unknown.json()).error.code).toBe('bridge.unknown-method');

    const ok = await request.post(url, { headers: { ...json, Authorization: `Bearer ${state.token}` }, data: {} });
    expect(ok.status()).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, value: { name: 'TeachPoint', version, shell: 'browser', dataDir: state.dataDir } });
  });

  test('from inside the page: a forged token is refused and the event stream needs the token', async ({ page }) => {
    await page.goto(state.appUrl);
    await expect(page.getByTestId('app-version')).toHaveText(version);
    const result = await page.evaluate(async () => {
      const forged = await fetch('/api/bridge/storage.usage', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer forged' },
        body: '{}',
      });
      const events = await fetch('/api/events');
      return { forged: forged.status, events: events.status };
    });
    expect(result).toEqual({ forged: 401, events: 401 });
  });

  test('a page on another origin cannot call the bridge even with the token (Origin check)', async ({ request }) => {
    const r = await request.post(`${state.origin}/api/bridge/app.info`, {
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${state.token}`, Origin: 'http://evil.example' },
      data: {},
    });
    expect(r.status()).toBe(403);
  });
});
