/**
 * Journey 6 (DESIGN §1) in real Chromium: a school with no network exchanges data with the county by
 * USB stick. Its own host process (own data dir, port 0, a temp folder as the stick) enrolled with a
 * cloud whose services run here on PGlite. The teacher makes a class (an outbox row), exports progress
 * to the stick from the teacher page; the cloud ingests the file once (twice = duplicates); county
 * staff's inbound bundle (a pack + the school's records + the ack) is imported from the same page:
 * the pack is installed, the outbox is cleared by the ack, and importing it again installs nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { formatTrustFile } from '../../content-packs/format/trust';
import { testTrust, writeTestPack } from '../../content-packs/import/test-helpers';
import { readPackIdentity } from '../../content-packs/node/pack-identity';
import { writeSyncCredentials } from '../../electron/host/sync/credentials';
import { inboundBundleFileName } from '../../sync/protocol/bundle';
import { makeContext, type CloudContext } from '../../sync/server/context';
import type { Db } from '../../sync/server/db/db';
import { buildInboundBundle, ingestProgressBundle } from '../../sync/server/services/bundles';
import { createEnrollmentFile } from '../../sync/server/services/enrollment';
import { createCounty, createSchool } from '../../sync/server/services/schools';
import { dbKinds, freshDb, stopSharedPostgres } from '../../sync/server/testing/harness';
import { rendererOut } from '../../scripts/lib/renderer-build.mjs';
import { REPO_ROOT, screenshotPath } from './app';
import { waitForUrl } from './global-setup';
import { unlockTeacher } from './teacher';

// Once per database the cloud runs on: PGlite (the embedded default) and PostgreSQL (required in CI).
for (const kind of dbKinds()) {
  test.describe(`USB bundles through the teacher page (cloud on ${kind})`, () => {
    test.describe.configure({ timeout: 180_000 });
    let workDir: string;
    let stickDir: string;
    let host: ChildProcess | undefined;
    let db: Db | undefined;
    let ctx: CloudContext;
    let schoolId: string;
    let target: { origin: string; appUrl: string };

    test.beforeAll(async () => {
      test.setTimeout(180_000);
      workDir = mkdtempSync(join(tmpdir(), 'tp-e2e-bundles-'));
      const staticDir = join(workDir, 'renderer');
      cpSync(rendererOut, staticDir, { recursive: true }); // global-setup built it
      const dataDir = join(workDir, 'data');
      stickDir = join(workDir, 'TPSTICK');
      mkdirSync(stickDir, { recursive: true });

      db = await freshDb(kind);
      ctx = makeContext(db, { publicUrl: 'http://cloud.example' });
      const county = await createCounty(db, null, '戊县');
      const school = await createSchool(db, null, { countyId: county.id, name: '戊县第一教学点' });
      schoolId = school.id;
      const file = await createEnrollmentFile(ctx, null, school.id, '教师机');
      await writeSyncCredentials(dataDir, { cloudUrl: file.cloudUrl, deviceId: file.deviceId, token: file.token, school: file.school, enrolledAt: file.issuedAt, via: 'file' });
      const rootPub = join(workDir, 'root.pub');
      writeFileSync(rootPub, formatTrustFile((await testTrust()).root.publicKeyFile));

      const logFile = join(workDir, 'host.log');
      host = spawn(
        process.execPath,
        ['--import', 'tsx', 'electron/host/cli/serve.ts', '--data', dataDir, '--port', '0', '--static', staticDir, '--extra-drive', stickDir, '--trust', rootPub],
        { cwd: REPO_ROOT, stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')], env: { ...process.env, TEACHPOINT_EXTRA_DRIVES: '', TEACHPOINT_SAMPLES_DIR: '' } },
      );
      const appUrl = await waitForUrl(logFile, host, 60_000);
      target = { appUrl, origin: appUrl.slice(0, appUrl.indexOf('/#')) };
    });

    test.afterAll(async () => {
      host?.kill('SIGTERM');
      await db?.close();
      await stopSharedPostgres();
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    test('progress goes out on the stick and is ingested once; the inbound bundle installs its pack and clears the outbox', async ({ page }) => {
      await page.setViewportSize({ width: 1024, height: 768 });
      await unlockTeacher(page, target);

      // A class made here is an outbox row waiting to go up.
      const form = page.getByRole('form', { name: '新建班级' });
      await form.getByRole('textbox', { name: '班级名称' }).fill('一二年级复式班');
      await form.getByRole('button', { name: '新建班级' }).click();
      // Enrolled (from a file, the cloud unreachable from school): the status line counts the class change too.
      await expect(page.getByTestId('sync-queued')).toHaveText('待上传：0 条学习记录，1 条名单/作业');

      const card = page.getByRole('region', { name: 'U 盘同步包' });
      const stick = card.getByRole('article', { name: 'U 盘：TPSTICK' });
      await stick.getByRole('button', { name: '导出学习进度到这个 U 盘' }).click();
      await expect(card.getByText(/已写入 TeachPoint-进度-戊县第一教学点-\d{8}-\d{6}\.tpbundle（1 条记录）/)).toBeVisible();
      // Export does not clear the outbox: the computer cannot know the stick arrives.
      await expect(page.getByTestId('sync-queued')).toHaveText('待上传：0 条学习记录，1 条名单/作业');

      const names = readdirSync(join(stickDir, 'TeachPoint'));
      expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
      const bundleFile = names.find((n) => n.endsWith('.tpbundle'))!;
      const bytes = readFileSync(join(stickDir, 'TeachPoint', bundleFile));
      expect(await ingestProgressBundle(ctx, null, bytes)).toMatchObject({ schoolId, stored: 1, duplicates: 0 });
      expect(await ingestProgressBundle(ctx, null, bytes)).toMatchObject({ stored: 0, duplicates: 1, seenBefore: true });

      // County staff: a pack + the school's records + the ack, signed with the county key, onto the stick.
      const trust = await testTrust();
      const pack = await writeTestPack(join(stickDir, 'TeachPoint'), { id: 'cn.test.usb-bundle', blobs: [{ seed: 'e2e-bundle', size: 64 * 1024 }] });
      const inbound = await buildInboundBundle(ctx, null, { schoolId, key: trust.county.privateKeyFile, certificate: trust.cert, packs: [await readPackIdentity(pack.path)] });
      writeFileSync(join(stickDir, 'TeachPoint', inboundBundleFileName(inbound.body.school.name, new Date(inbound.body.createdAt))), inbound.bytes);

      await page.reload();
      const row = stick.getByRole('listitem').filter({ hasText: '.tpinbound' });
      await expect(row).toContainText('给戊县第一教学点：1 个资源包，1 条记录');
      await row.getByRole('button', { name: '导入下发包' }).click();
      await expect(card.getByText('下发包已导入：新装 1 个资源包，1 条记录已更新，1 条进度已确认送达县里。')).toBeVisible();
      await expect(page.getByTestId('sync-queued')).toHaveText('待上传：0 条学习记录');
      await card.scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenshotPath('usb-bundles.png') });

      // The same bundle again: nothing new.
      await row.getByRole('button', { name: '导入下发包' }).click();
      await expect(card.getByText('下发包已导入：新装 0 个资源包，1 条记录已更新，1 条进度已确认送达县里。')).toBeVisible();
    });
  });
}
