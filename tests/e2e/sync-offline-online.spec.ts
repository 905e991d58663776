// Offline → online (issue 8 item 5, DESIGN §1 journey 5): a child's answers made while the cloud is
// unreachable wait in the outbox (the queued count shows), and when the cloud comes back they reach
// it exactly once and show on the county dashboard. Then the device host is killed with SIGKILL
// between the cloud storing an answer and the ack arriving; restarted, it sends it again: still once.
//
// Everything real: the device host (its own process and data dir — not the shared e2e host — so its
// enrollment cannot leak into other specs) serving the built renderer to Debian Chromium; a cloud on
// loopback (PGlite, then PostgreSQL) started here; the fault proxy between host and cloud, switched offline and back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ensureDashboardBuilt } from '../../scripts/lib/renderer-build.mjs';
import { call, dbKinds, expectOk, freshDb, seedWorld, startTestCloud, stopSharedPostgres, type Json, type TestCloud, type World } from '../../sync/server/testing/harness';
import { startDeviceHost, type DeviceHostProcess } from '../faults/device-host';
import { startFaultProxy, type FaultProxy } from '../faults/proxy';
import { prerequisite } from '../lib/prerequisites';
import { e2eState, REPO_ROOT, screenshotPath } from './app';
import { unlockTeacher } from './teacher';

const state = e2eState();
const PACK_TITLE = '一年级数学（上册）准备课 · 示例';
const SET_TITLE = '比多少 练习';
const CLASS_NAME = '同步测试班';
const CHILD = '赵小月';

test.use({ viewport: { width: 1024, height: 768 } });

/** The sample packs on a pretend USB stick, trusted through the dev root (as the shared e2e host has them). */
function hostArgs(): string[] {
  return ['--samples', state.stickDir, '--trust', join(REPO_ROOT, 'content-packs', 'samples', 'out', 'dev-root.pub')];
}

/** Event ids in the page's IndexedDB (the device's record of what the child did). */
async function deviceEventIds(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('teachpoint');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('events').objectStore('events').getAllKeys();
          req.onsuccess = () => {
            db.close();
            resolve((req.result as string[]).map(String));
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

/** Event ids the cloud holds for the school (the xAPI export: one statement per stored event, id = event id). */
async function cloudEventIds(cloud: TestCloud, world: World): Promise<string[]> {
  const county = world.counties[0]!;
  const res = await fetch(`${cloud.url}/api/v1/admin/export/xapi?schoolId=${county.schools[0]!.id}`, { headers: { authorization: `Bearer ${county.adminToken}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as Json[]).map((s) => String(s.id));
}

// Once per database the cloud runs on: PGlite (the embedded default) and PostgreSQL (required in CI).
for (const kind of dbKinds()) {
  test.describe(`journey 5 (cloud on ${kind}): answers made offline reach the cloud exactly once when it comes back`, () => {
    const missing = prerequisite(state.samplePacks.length > 0, 'sample packs (nothing to answer)', 'run `npm run samples` before the e2e tests');
    test.skip(missing !== null, missing ?? '');

    let cloud: TestCloud;
    let world: World;
    let proxy: FaultProxy;
    let host: DeviceHostProcess;
    let dataDir: string;

    test.beforeAll(async () => {
      test.setTimeout(180_000);
      ensureDashboardBuilt();
      cloud = await startTestCloud(await freshDb(kind));
      world = await seedWorld(cloud, ['青山县'], 1);
      proxy = await startFaultProxy({ upstream: cloud.url, seed: 5 });
      dataDir = mkdtempSync(join(tmpdir(), 'tp-e2e-sync-'));
      host = await startDeviceHost({ dataDir, staticDir: join(state.workDir, 'renderer'), args: hostArgs() });
    });
    test.afterAll(async () => {
      await host?.kill('SIGTERM');
      await proxy?.close();
      await cloud?.close();
      await cloud?.db.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      await stopSharedPostgres();
    });

    test('enroll, answer with the cloud unreachable, queued count, cloud back, exactly once, host killed mid-push, on the dashboard', async ({ page, browser }) => {
      test.setTimeout(240_000);
      const county = world.counties[0]!;
      const code = await expectOk(call(cloud.url, 'POST', `/api/v1/admin/schools/${county.schools[0]!.id}/enrollment-codes`, {}, county.adminToken));

      // ---- Teacher: PIN, enroll with the county's code (教师 → 云端同步), pack, class, assignment ----
      await page.goto(host.appUrl);
      await unlockTeacher(page, host);
      await page.getByLabel(/云端地址/).fill(proxy.origin);
      await page.getByLabel(/登记码/).fill(String(code.code).toLowerCase());
      await page.getByRole('button', { name: '登记', exact: true }).click();
      await expect(page.getByTestId('cloud-enrolled')).toContainText(`本机已登记到：${county.schools[0]!.name}（${county.name}）`);

      await page.goto(`${host.origin}/#/`);
      const packRow = page.getByRole('article', { name: /U 盘：示例资源包 Sample packs/ }).getByRole('listitem', { name: PACK_TITLE });
      await packRow.getByRole('button', { name: '导入' }).click();
      await expect(page.getByText(`导入完成：${PACK_TITLE}（版本 1）。`)).toBeVisible({ timeout: 60_000 });

      await page.goto(`${host.origin}/#/teacher`);
      const newClass = page.getByRole('form', { name: '新建班级' });
      await newClass.getByLabel('班级名称').fill(CLASS_NAME);
      await newClass.getByRole('button', { name: '新建班级' }).click();
      await expect(page.locator('#class-detail-title')).toContainText(CLASS_NAME);
      await page.getByRole('group', { name: '添加学生' }).getByRole('button', { name: '粘贴名单' }).click();
      await page.getByLabel(/粘贴学生名单/).fill(`${CHILD}\n`);
      await page.getByRole('button', { name: '添加 1 名学生' }).click();
      const assign = page.locator('section[aria-labelledby="assign-title"]');
      const packPick = assign.getByLabel('资源包');
      if (await packPick.isVisible().catch(() => false)) await packPick.selectOption({ label: PACK_TITLE });
      const what = assign.getByLabel('布置什么');
      const option = what.locator('option', { hasText: SET_TITLE }).first();
      await what.selectOption({ label: (await option.textContent())! });
      await assign.getByRole('button', { name: '布置' }).click();
      await expect(assign.getByRole('list', { name: '已布置的任务' })).toContainText(SET_TITLE);
      await page.getByRole('button', { name: '退出教师模式' }).click();

      // ---- The link goes down; a child answers ----
      proxy.setFaults({ offline: true });
      await page.goto(`${host.origin}/#/student`);
      const classTabs = page.getByRole('group', { name: '选择你的班级' });
      if (await classTabs.isVisible().catch(() => false)) await classTabs.getByRole('button', { name: new RegExp(CLASS_NAME) }).click();
      await page.getByRole('list', { name: `${CLASS_NAME}的学生` }).getByRole('button', { name: CHILD }).click();
      await page.getByRole('link', { name: SET_TITLE }).click();
      await page.getByRole('list', { name: '本课资源' }).getByRole('button', { name: new RegExp(SET_TITLE) }).click();
      const runner = page.getByRole('region', { name: '练习题' });
      await expect(runner.getByTestId('exercise-learner')).toHaveText(`当前学生：${CHILD}`, { timeout: 45_000 });
      await runner.getByRole('radio', { name: '苹果多' }).click();
      await runner.getByRole('button', { name: '提交答案' }).click();
      await expect(runner.getByRole('status')).toContainText('回答正确！');
      await runner.getByRole('button', { name: '下一题' }).click();
      await runner.getByRole('radio', { name: '错' }).click();
      await runner.getByRole('button', { name: '提交答案' }).click();
      await expect(runner.getByRole('status')).toContainText('不对');

      const offlineIds = await deviceEventIds(page);
      expect(offlineIds.length).toBeGreaterThanOrEqual(2);
      const syncStatus = page.getByRole('status', { name: '同步状态' });
      // The class, learner and assignment made before the link went down wait too (counted after a comma).
      await expect(page.getByTestId('sync-queued')).toHaveText(new RegExp(`^待上传：${offlineIds.length} 条学习记录(，\\d+ 条名单/作业)?$`));
      await expect(syncStatus).toContainText('连不上云端', { timeout: 30_000 });
      await expect.poll(() => cloudEventIds(cloud, world)).toEqual([]);
      await page.screenshot({ path: screenshotPath('sync-offline-queued-zh-CN.png') });

      // ---- The link comes back: the engine notices by itself and sends everything, once ----
      proxy.setFaults({ offline: false });
      await expect.poll(async () => (await cloudEventIds(cloud, world)).sort(), { timeout: 120_000 }).toEqual([...offlineIds].sort());
      await expect(page.getByTestId('sync-queued')).toHaveText('待上传：0 条学习记录', { timeout: 60_000 });
      await expect(syncStatus).not.toContainText('连不上云端');
      // Nothing more arrives later (a re-sent batch would be a duplicate, stored once anyway — the
      // export lists rows, so any duplicate id would show here).
      const ids = await cloudEventIds(cloud, world);
      expect(new Set(ids).size).toBe(ids.length);
      await page.screenshot({ path: screenshotPath('sync-online-done-zh-CN.png') });

      // ---- kill -9 of the device host mid-push: the cloud has stored the answer, the ack is still on
      // its way back (2 s each way now); the outbox in IndexedDB keeps the row, the restarted host
      // (same data dir, same port = same origin, so the same IndexedDB) re-sends it: stored once ----
      proxy.setFaults({ latencyMs: 4000 });
      await runner.getByRole('button', { name: '再试一次' }).click();
      await runner.getByRole('radio', { name: '对' }).click();
      await runner.getByRole('button', { name: '提交答案' }).click();
      await expect(runner.getByRole('status')).toContainText('回答正确！');
      const beforeKill = new Set(await deviceEventIds(page));
      const answered = [...beforeKill].filter((id) => !offlineIds.includes(id));
      expect(answered.length).toBeGreaterThanOrEqual(1);
      await expect.poll(async () => (await cloudEventIds(cloud, world)).filter((id) => answered.includes(id)).length, { timeout: 60_000, intervals: [20] }).toBeGreaterThan(0);
      await host.kill('SIGKILL');
      await expect(page.getByTestId('sync-queued')).not.toHaveText('待上传：0 条学习记录'); // the ack never came: the row stays queued
      proxy.setFaults({ latencyMs: 0 });
      host = await startDeviceHost({ dataDir, port: host.port, staticDir: join(state.workDir, 'renderer'), args: hostArgs() });
      // The app restarts: a real page load (a hash-only change would keep the dead host's bridge token).
      await page.goto('about:blank');
      await page.goto(host.appUrl);
      await expect(page.getByTestId('sync-queued')).toHaveText('待上传：0 条学习记录', { timeout: 90_000 });
      const allIds = await deviceEventIds(page);
      const inCloud = await cloudEventIds(cloud, world);
      expect([...inCloud].sort()).toEqual([...allIds].sort());
      expect(new Set(inCloud).size).toBe(inCloud.length);

      // ---- The county dashboard shows the class and the answers ----
      const staff = await browser.newPage();
      await staff.goto(`${cloud.url}/dashboard/`);
      await staff.getByLabel('用户名').fill('county0');
      await staff.getByLabel('密码').fill('county-password-1');
      await staff.getByRole('button', { name: '登录' }).click();
      await staff.getByRole('link', { name: '班级进度' }).click();
      const row = staff.locator(`tr[data-class="${CLASS_NAME}"]`);
      await expect(row).toBeVisible();
      await expect(row.locator('[data-testid=learners]')).toHaveText('1');
      await expect(row.locator('[data-testid=events30]')).toHaveText(String(allIds.length));
      await staff.screenshot({ path: screenshotPath('sync-dashboard-progress-zh-CN.png') });
      await staff.close();
    });
  });
}
