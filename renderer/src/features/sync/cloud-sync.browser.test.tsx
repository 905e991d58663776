import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { DownloadState } from '../../../../common/bridge/methods/downloads';
import { DEFAULT_CLASS_HOURS, type SyncHostStatus } from '../../../../common/bridge/methods/sync';
import { withTeacherSession } from '../../bridge/teacher-session';
import { TeachPointDB } from '../../db/db';
import { appendEvent } from '../../db/outbox';
import { FakeBridge, sampleInfo, sampleStorage } from '../../test/fake-bridge';
import { renderApp, type Rendered } from '../../test/render';
import { fakeTeacher } from '../../test/teacher';
import '../../styles.css';

// Real Chromium + real IndexedDB; the host is a fake bridge that plays the cloud through sync.request.
let rendered: Rendered | null = null;
const dbs: TeachPointDB[] = [];
afterEach(async () => {
  await rendered?.unmount();
  rendered = null;
  fakeTeacher();
  for (const db of dbs.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

function freshDb(): TeachPointDB {
  const db = new TeachPointDB(`tp-cloud-sync-${Date.now()}-${dbs.length}`, { onVersionChange: () => {} });
  dbs.push(db);
  return db;
}

const notEnrolled: SyncHostStatus = { enrolled: false, cloudUrl: null, deviceId: null, school: null, enrolledAt: null, classHours: DEFAULT_CLASS_HOURS, capNowBytesPerSecond: null };
const enrolled: SyncHostStatus = {
  ...notEnrolled,
  enrolled: true,
  cloudUrl: 'https://cloud.example.cn',
  deviceId: '0193aaaa-0000-7000-8000-000000000001',
  school: { id: 's1', name: '某某村教学点', countyId: 'c1', countyName: '某某县' },
  enrolledAt: '2026-12-01T02:00:00.000Z',
};

/** A fake host: enrollment state, and a cloud that acks every push and has nothing to pull. */
function fakeHost(opts: { status: SyncHostStatus; cloud?: 'ok' | 'revoked'; downloads?: DownloadState[] }) {
  const teacher = fakeTeacher({ unlocked: true });
  let status = opts.status;
  const pushedIds: string[] = [];
  const bridge = new FakeBridge({
    ...teacher.handlers,
    'app.info': async () => sampleInfo,
    'storage.usage': async () => sampleStorage,
    'drives.list': async () => [],
    'packs.list': async () => [],
    'materials.list': async () => [],
    'downloads.list': async () => opts.downloads ?? [],
    'downloads.setBandwidth': async ({ bytesPerSecond }) => ({ bytesPerSecond }),
    'downloads.start': async (req) => ({ ...req, state: 'queued', bytesDone: 0, bytesTotal: req.totalBytes, bytesPerSecond: 0, etaSeconds: null }),
    'sync.status': async () => status,
    'sync.enroll': async (req) => {
      teacher.guard(req);
      status = enrolled;
      return status;
    },
    'sync.forget': async () => (status = notEnrolled),
    'sync.setClassHours': async ({ classHours }) => (status = { ...status, classHours }),
    'sync.request': async ({ path, body }) => {
      const now = new Date().toISOString();
      if (opts.cloud === 'revoked') {
        return { status: 401, headers: {}, wireBytes: 300, body: { error: { code: 'auth.device-revoked', message: { zh: '设备已被撤销', en: 'revoked' } } } };
      }
      if (path === '/api/v1/push') {
        const req = JSON.parse(body!) as { batchId: string; events: { id: string }[] };
        pushedIds.push(...req.events.map((e) => e.id));
        return { status: 200, headers: {}, wireBytes: 500, body: { protocolVersion: 1, batchId: req.batchId, stored: req.events.length, duplicates: 0, rejected: [], cursor: '9', serverTime: now } };
      }
      return { status: 200, headers: {}, wireBytes: 300, body: { protocolVersion: 1, changes: {}, cursor: '9', more: false, serverTime: now } };
    },
  });
  return { bridge: withTeacherSession(bridge), raw: bridge, pushedIds };
}

describe('cloud sync UI (real Chromium)', () => {
  it('enrolls with a code in teacher mode, then a child’s answer goes up in the background and the status line says when', async () => {
    const db = freshDb();
    const host = fakeHost({ status: notEnrolled });
    rendered = await renderApp(host.raw, { path: '/teacher', services: { db, bridge: host.bridge } });
    const status = page.getByRole('status', { name: '同步状态' });
    await expect.element(status).toHaveTextContent('云端同步：未登记');

    await userEvent.fill(page.getByLabelText(/云端地址/), 'https://cloud.example.cn');
    await userEvent.fill(page.getByLabelText(/登记码/), 'abcd-efgh-jklm');
    await userEvent.click(page.getByRole('button', { name: '登记', exact: true }));
    await expect.element(page.getByTestId('cloud-enrolled')).toHaveTextContent('本机已登记到：某某村教学点（某某县）');
    const enroll = host.raw.calls.find((c) => c.method === 'sync.enroll')!.request as { teacherSession?: string; code: string };
    expect(enroll.code).toBe('abcd-efgh-jklm');
    expect(enroll.teacherSession).toBeTruthy();
    await expect.element(page.getByTestId('sync-note')).toHaveTextContent('上次同步');

    const answer = await appendEvent(db, { learnerId: 'l1', verb: 'answered', objectId: 'p/s/1', packId: 'p', result: { success: true } });
    await expect.poll(() => host.pushedIds, { timeout: 15_000 }).toContain(answer.recordId);
    await expect.poll(() => db.outbox.count()).toBe(0);
    await expect.element(page.getByTestId('sync-queued')).toHaveTextContent('待上传：0 条学习记录');
    await expect.element(page.getByRole('button', { name: '立即同步' })).toBeEnabled();
  });

  it('a revoked device says in plain words to ask county staff for a new code; downloads show progress and ETA (1024×768 screenshot)', async () => {
    await page.viewport(1024, 768);
    const db = freshDb();
    await appendEvent(db, { learnerId: 'l1', verb: 'answered', objectId: 'p/s/1', packId: 'p' });
    const downloads: DownloadState[] = [
      { packId: 'cn.rjb.math.g1a', version: 3, state: 'downloading', bytesDone: 37_748_736, bytesTotal: 125_829_120, bytesPerSecond: 16_384, etaSeconds: 5376 },
      { packId: 'cn.rjb.chinese.g1a', version: 2, state: 'queued', bytesDone: 0, bytesTotal: 52_428_800, bytesPerSecond: 0, etaSeconds: null },
    ];
    const host = fakeHost({ status: { ...enrolled, capNowBytesPerSecond: 16_384 }, cloud: 'revoked', downloads });
    rendered = await renderApp(host.raw, { path: '/teacher', services: { db, bridge: host.bridge } });
    await expect.element(page.getByTestId('sync-note')).toHaveTextContent('请向县电教馆要一个新的登记码');
    await expect.element(page.getByTestId('sync-queued')).toHaveTextContent('待上传：1 条学习记录');
    await expect.element(page.getByText('同步停止：需要老师处理')).toBeVisible();
    await expect.element(page.getByRole('status', { name: '同步状态' })).toHaveTextContent('待下载：');
    const rows = page.getByTestId('download-row');
    await expect.element(rows.first()).toHaveTextContent('下载中');
    await expect.element(rows.first()).toHaveTextContent('30%');
    await expect.element(rows.first()).toHaveTextContent('约 1 小时 29 分');
    await expect.element(page.getByTestId('cap-now')).toHaveTextContent('现在是上课时间，下载限速 16');
    expect(await db.outbox.count()).toBe(1);
    await page.screenshot({ path: '../../../../docs/screenshots/sync-status-1024x768-zh-CN.png' });
    const panel = page.getByRole('heading', { name: '云端同步' }).element().closest('section') as HTMLElement;
    panel.scrollIntoView();
    await page.screenshot({ path: '../../../../docs/screenshots/sync-teacher-1024x768-zh-CN.png' });
  });
});
