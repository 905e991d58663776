/**
 * The county dashboard in real Chromium (1024×768) against a real cloud on loopback (PGlite),
 * seeded through the real device API (enroll with a code, POST /api/v1/push): sign-in with the
 * lock-out message, the teaching points with last sync (red after 7 days) and queued records, class
 * progress numbers equal to what was pushed, installed packs, enrollment codes (create, revoke,
 * offline file), and county scoping (another county's admin sees none of it). Screenshots of every
 * page go to test-results/screenshots/, or docs/screenshots/ with TEACHPOINT_DOCS_SCREENSHOTS=1.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../common/ids/uuidv7';
import { testTrust, writeTestPack, type TestPack } from '../../../content-packs/import/test-helpers';
import { ensureDashboardBuilt, repoRoot } from '../../../scripts/lib/renderer-build.mjs';
import { PROGRESS_BUNDLE_EXTENSION, PROGRESS_BUNDLE_FORMAT, encodeProgressBundle, progressBundleKey } from '../../protocol/bundle';
import type { Db } from '../db/db';
import { createAccount } from '../services/accounts';
import { call, enrollDevice, expectOk, freshDb, seedWorld, startTestCloud, type Json, type TestCloud, type World } from '../testing/harness';
import { localPackEnvironment } from '../testing/packs';
import { seedClassProgress, type SeededClass } from '../testing/progress-seed';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const DAY = 24 * 3600 * 1000;
/** Waits for the page (vitest's default of 1 s is too short on a loaded 2-core machine). */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });

function screenshotPath(name: string): string {
  const dir = process.env.TEACHPOINT_DOCS_SCREENSHOTS === '1' ? join(repoRoot, 'docs', 'screenshots') : join(repoRoot, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

let db: Db;
let cloud: TestCloud;
let world: World;
let browser: Browser;
let clockShift = 0;
let seeded: SeededClass;
let dir: string;
let pack: TestPack;
let device1: { deviceId: string; token: string };
let device2: { deviceId: string; token: string };
const cspViolations: string[] = [];

const A = () => world.counties[0]!;
const B = () => world.counties[1]!;

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  // A non-Chinese browser: the dashboard must still open in zh-CN.
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'en-US', acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return { context, page };
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${cloud.url}/dashboard/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await poll(() => page.getByRole('navigation').count()).toBe(1);
}

beforeAll(async () => {
  ensureDashboardBuilt({ log: () => undefined });
  dir = mkdtempSync(join(tmpdir(), 'tp-dashboard-'));
  const trust = await testTrust();
  pack = await writeTestPack(join(dir, 'packs'), { id: 'cn.qingshan.math-g1', version: 1, blobs: [{ seed: 'lesson-video', size: 200_000, title: '认识数字' }, { seed: 'lesson-audio', size: 40_000, mime: 'audio/mpeg' }] });
  db = await freshDb('pglite');
  cloud = await startTestCloud(db, { clock: () => new Date(Date.now() + clockShift), packs: localPackEnvironment(join(dir, 'cloud'), [trust.root.publicKeyFile]) });
  world = await seedWorld(cloud, ['青山县', '石河县'], 2);
  const now = new Date();

  // 青山县第1教学点: synced just now, 12 records still queued, two packs installed.
  const d1 = (device1 = await enrollDevice(cloud, A().adminToken, A().schools[0]!.id, '教室一体机'));
  seeded = await seedClassProgress({
    cloudUrl: cloud.url, deviceToken: d1.token, deviceId: d1.deviceId, className: '一二年级复式班', grade: '一、二年级',
    learnerNames: ['王小明', '李小红', '张小刚', '刘小丽', '陈小军', '杨小芳'], now,
    status: { queuedEvents: 12, bytesToDownload: 48 * 1024 * 1024, installedPacks: [{ packId: 'math-g1', version: 3 }, { packId: 'chinese-g1', version: 2 }] },
  });
  // 青山县第2教学点: last synced 10 days ago (red), one computer never synced at all.
  const d2 = (device2 = await enrollDevice(cloud, A().adminToken, A().schools[1]!.id, '教师机'));
  clockShift = -10 * DAY;
  await seedClassProgress({
    cloudUrl: cloud.url, deviceToken: d2.token, deviceId: d2.deviceId, className: '三年级', grade: '三年级',
    learnerNames: ['赵小雨', '周小天', '吴小花'], now: new Date(now.getTime() - 10 * DAY),
    status: { queuedEvents: 0, bytesToDownload: 0, installedPacks: [{ packId: 'math-g1', version: 2 }] },
  });
  clockShift = 0;
  await enrollDevice(cloud, A().adminToken, A().schools[1]!.id, '学生机');
  // 石河县: a school with its own class, which 青山县's admin must never see.
  const d3 = await enrollDevice(cloud, B().adminToken, B().schools[0]!.id, '石河教师机');
  await seedClassProgress({ cloudUrl: cloud.url, deviceToken: d3.token, deviceId: d3.deviceId, className: '石河复式班', learnerNames: ['孙小北'], now });

  browser = await chromium.launch({ executablePath: chromiumPath, args: ARGS, headless: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('county dashboard in Chromium', () => {
  it('serves the page with a self-only CSP, in zh-CN for an English browser, and shows the lock-out minutes', async () => {
    const res = await fetch(`${cloud.url}/dashboard/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(res.status).toBe(200);
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect((await fetch(`${cloud.url}/dashboard/../package.json`)).status).not.toBe(200);

    await createAccount(db, { username: 'locked-admin', password: 'county-password-9', role: 'county-admin', countyId: A().id });
    for (let i = 0; i < 5; i++) await call(cloud.url, 'POST', '/api/v1/auth/login', { username: 'locked-admin', password: 'wrong-password' });
    const { context, page } = await newPage();
    await page.goto(`${cloud.url}/dashboard/`);
    await poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.getByLabel('用户名').fill('locked-admin');
    await page.getByLabel('密码').fill('county-password-9');
    await page.getByRole('button', { name: '登录' }).click();
    await poll(() => page.getByRole('alert').textContent()).toMatch(/账号已锁定，请 1[45] 分钟后再试/);
    await page.screenshot({ path: screenshotPath('dashboard-sign-in-zh-CN.png') });
    await context.close();
  });

  it('teaching points: the seeded school with its last sync and queued records; the stale one in red; no other county', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'county0', 'county-password-1');
    const row1 = page.locator(`tr[data-school="${A().schools[0]!.name}"]`);
    await poll(() => row1.locator('[data-testid=queued]').textContent()).toBe('12');
    expect(await row1.locator('[data-testid=last-sync]').textContent()).toMatch(/现在|秒|分钟/);
    expect(await row1.locator('[data-testid=last-sync]').getAttribute('class')).toBeNull();
    expect(await row1.textContent()).toContain('教室一体机');
    expect(await row1.textContent()).toContain('48 MB');
    expect(await row1.textContent()).toContain('math-g1 v3');
    const row2 = page.locator(`tr[data-school="${A().schools[1]!.name}"]`);
    expect(await row2.locator('[data-testid=last-sync]').textContent()).toBe('10天前');
    expect(await row2.locator('[data-testid=last-sync]').getAttribute('class')).toBe('stale');
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).not.toContain('石河');
    await page.screenshot({ path: screenshotPath('dashboard-schools-zh-CN.png'), fullPage: true });

    await page.getByRole('button', { name: 'English' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Teaching points');
    expect(await row2.locator('[data-testid=last-sync]').textContent()).toBe('10 days ago');
    await page.screenshot({ path: screenshotPath('dashboard-schools-en.png'), fullPage: true });
    await context.close();
  });

  it('class progress: the numbers equal what the device pushed', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'county0', 'county-password-1');
    await page.getByRole('link', { name: '班级进度' }).click();
    const row = page.locator('tr[data-class="一二年级复式班"]');
    await poll(() => row.locator('[data-testid=learners]').textContent()).toBe(String(seeded.expected.learners));
    const cell = async (id: string) => Number(await row.locator(`[data-testid=${id}]`).textContent());
    expect({ events7d: await cell('events7'), events30d: await cell('events30'), answered30d: await cell('answered30'), mastered: await cell('mastered') }).toEqual({
      events7d: seeded.expected.events7d,
      events30d: seeded.expected.events30d,
      answered30d: seeded.expected.answered30d,
      mastered: seeded.expected.mastered,
    });
    expect(await page.locator('main').textContent()).not.toContain('石河');
    // The xAPI link downloads this school's statements (same-origin, cookie session).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载本教学点的记录' }).first().click()]);
    const statements = JSON.parse(readFileSync((await download.path())!, 'utf8')) as Json[];
    expect(statements).toHaveLength(seeded.expected.events30d + seeded.expected.learners /* the 40-day-old answers */);
    await page.screenshot({ path: screenshotPath('dashboard-progress-zh-CN.png'), fullPage: true });
    await context.close();
  });

  it('packs: upload a signed .tpk, release it to one school, see it installed once the device reports it', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'county0', 'county-password-1');
    await page.getByRole('link', { name: '资源包' }).click();
    await page.getByLabel('选择 .tpk 文件').setInputFiles(pack.path);
    await page.getByRole('button', { name: '上传', exact: true }).click();
    await poll(() => page.getByRole('status').textContent()).toContain('已发布“测试资源包 cn.qingshan.math-g1”第 1 版');
    const version = page.locator('tr[data-pack="cn.qingshan.math-g1@1"]');
    await poll(() => version.locator('[data-testid=released-count]').textContent()).toBe('0');

    await version.getByRole('button', { name: '发布…' }).click();
    await version.getByLabel('发布给').selectOption({ label: A().schools[0]!.name });
    await version.getByRole('button', { name: '发布', exact: true }).click();
    await poll(() => version.locator('[data-testid=released-count]').textContent()).toBe('1');
    const release = page.locator(`tr[data-release="${A().schools[0]!.name}|cn.qingshan.math-g1@1"]`);
    await poll(() => release.locator('[data-testid=install-state]').textContent()).toMatch(/正在下载|尚未安装/);
    // The release reached the device through pull, like any pack release.
    const pulled = await expectOk(call(cloud.url, 'POST', '/api/v1/pull', { protocolVersion: 1, cursor: null }, device1.token));
    expect(JSON.stringify(pulled)).toContain('cn.qingshan.math-g1');

    // The device installs it and says so with its next sync.
    await expectOk(call(cloud.url, 'POST', '/api/v1/push', { protocolVersion: 1, batchId: uuidv7(), events: [], status: { queuedEvents: 0, bytesToDownload: 0, installedPacks: [{ packId: 'math-g1', version: 3 }, { packId: 'cn.qingshan.math-g1', version: 1 }] } }, device1.token));
    await page.getByRole('button', { name: '刷新' }).click();
    await poll(() => release.locator('[data-testid=install-state]').textContent()).toBe('已安装');
    expect(await version.locator('[data-testid=installed-count]').textContent()).toBe('1');
    // Then to the whole county: the other school has it released but not installed.
    await version.getByRole('button', { name: '发布…' }).click();
    await version.getByLabel('发布给').selectOption({ label: '全县所有教学点' });
    await version.getByRole('button', { name: '发布', exact: true }).click();
    await poll(() => version.locator('[data-testid=released-count]').textContent()).toBe('2');
    const other = page.locator(`tr[data-release="${A().schools[1]!.name}|cn.qingshan.math-g1@1"]`);
    await poll(() => other.locator('[data-testid=install-state]').textContent()).toBe('尚未安装');
    expect(await page.locator('main').textContent()).not.toContain('石河');
    await page.screenshot({ path: screenshotPath('dashboard-packs-zh-CN.png'), fullPage: true });
    await context.close();
  });

  it('USB bundle: upload shows stored / already there / rejected, and a second upload stores nothing', async () => {
    const learnerId = uuidv7();
    const events = Array.from({ length: 25 }, (_, i) => ({ id: uuidv7(), learnerId, classId: null, verb: 'answered', objectId: `math-g1/set-sub/item-${i}`, packId: 'math-g1', createdAt: new Date(Date.now() - i * 60_000).toISOString(), result: { success: i % 3 !== 0 } }));
    const bytes = encodeProgressBundle(
      { format: PROGRESS_BUNDLE_FORMAT, bundleId: uuidv7(), deviceId: device2.deviceId, school: { id: A().schools[1]!.id, name: A().schools[1]!.name }, createdAt: new Date().toISOString(), batches: 1, items: events.length },
      [{ protocolVersion: 1, batchId: uuidv7(), events, records: {}, status: { queuedEvents: 0 } }],
      progressBundleKey(device2.token),
    );
    const file = join(dir, 'TeachPoint-进度-青山县第2教学点.tpbundle');
    writeFileSync(file, bytes);

    const { context, page } = await newPage();
    await signIn(page, 'county0', 'county-password-1');
    await page.getByRole('link', { name: 'U 盘数据包' }).click();
    // The page writes the extension out (importing the protocol module would bloat it): same value.
    expect(await page.getByLabel('选择数据包文件').getAttribute('accept')).toBe(PROGRESS_BUNDLE_EXTENSION);
    for (const expected of ['新存入 25 条，已有 0 条，被拒绝 0 条', '新存入 0 条，已有 25 条，被拒绝 0 条']) {
      await page.getByLabel('选择数据包文件').setInputFiles(file);
      await page.getByRole('button', { name: '上传', exact: true }).click();
      await poll(() => page.getByTestId('bundle-result').textContent()).toContain(expected);
    }
    expect(await page.getByTestId('bundle-result').textContent()).toContain('之前已经上传过');
    const count = await db.query<{ n: number }>('SELECT count(*)::integer AS n FROM events WHERE learner_id = $1', [learnerId]);
    expect(count.rows[0]!.n).toBe(25);
    await page.screenshot({ path: screenshotPath('dashboard-bundles-zh-CN.png'), fullPage: true });
    await context.close();
  });

  it('enrollment codes: create, see it listed as usable, revoke it, download an offline enrollment file', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'county0', 'county-password-1');
    await page.getByRole('link', { name: '注册码' }).click();
    await page.getByRole('button', { name: '生成注册码' }).click();
    await poll(() => page.getByTestId('new-code').textContent()).toMatch(/[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    const code = /([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec((await page.getByTestId('new-code').textContent())!)![1]!;
    const row = page.locator(`tr[data-code="${code}"]`);
    await poll(() => row.textContent()).toContain('可用');
    const listed: Json[] = await expectOk(call(cloud.url, 'GET', `/api/v1/admin/schools/${A().schools[0]!.id}/enrollment-codes`, undefined, A().adminToken));
    expect(listed.find((c) => c.code === code)?.state).toBe('active');
    await page.getByRole('button', { name: '生成注册码' }).click();
    await poll(async () => (await page.getByTestId('new-code').textContent()) ?? '').not.toContain(code);
    await page.screenshot({ path: screenshotPath('dashboard-codes-zh-CN.png'), fullPage: true });

    await row.getByRole('button', { name: '作废' }).click();
    await row.getByRole('button', { name: '确定作废' }).click();
    await poll(() => row.textContent()).toContain('已作废');
    const enroll = await call(cloud.url, 'POST', '/api/v1/enroll', { protocolVersion: 1, code, device: { name: 'x' } });
    expect(enroll.body.error.code).toBe('enroll.bad-code');

    await page.getByLabel('电脑名称').fill('教室一体机二号');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载登记文件' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^teachpoint-enrollment-.+\.tpenroll\.json$/);
    const file = JSON.parse(readFileSync((await download.path())!, 'utf8')) as Json;
    expect(file).toMatchObject({ cloudUrl: cloud.url, school: { id: A().schools[0]!.id } });
    // The file's token works as a device token.
    expect((await call(cloud.url, 'POST', '/api/v1/push', { protocolVersion: 1, batchId: 'b1', events: [] }, file.token)).status).toBe(200);
    await context.close();
  });

  it("another county's admin sees only their own county, and the API refuses the first county's ids", async () => {
    const { context, page } = await newPage();
    await signIn(page, 'county1', 'county-password-1');
    await poll(() => page.locator(`tr[data-school="${B().schools[0]!.name}"]`).count()).toBe(1);
    expect(await page.locator('main').textContent()).not.toContain('青山');
    await page.getByRole('link', { name: '班级进度' }).click();
    await poll(() => page.locator('tr[data-class="石河复式班"]').count()).toBe(1);
    expect(await page.locator('main').textContent()).not.toContain('一二年级复式班');
    const refused = await page.evaluate(async (countyId) => (await fetch(`/api/v1/admin/dashboard/progress?countyId=${countyId}`)).status, A().id);
    expect(refused).toBe(404);
    await context.close();
  });

  it('the province admin picks a county; no CSP violation happened on any page', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'province', 'province-password-1');
    await poll(() => page.locator('tr[data-school]').count()).toBe(4);
    // Installed packs are named by their title once the pack is published (devices report ids).
    expect(await page.locator(`tr[data-school="${A().schools[0]!.name}"]`).textContent()).toContain('测试资源包 cn.qingshan.math-g1 v1');
    await page.getByRole('combobox').selectOption({ label: '石河县' });
    await poll(() => page.locator('tr[data-school]').count()).toBe(2);
    await context.close();
    expect(cspViolations).toEqual([]);
  });
});
