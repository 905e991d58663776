import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { PackContent } from '../../../../common/bridge/methods/lessons';
import type { Material } from '../../../../common/bridge/methods/materials';
import type { InstalledPack } from '../../../../common/bridge/methods/packs';
import { TeachPointDB } from '../../db/db';
import { FakeBridge, sampleInfo, sampleStorage } from '../../test/fake-bridge';
import { renderApp, type Rendered } from '../../test/render';
import { CURRENT_LEARNER_SETTING } from '../exercises/learner';
import { DEV_PUBLISHER } from '../../test/publisher';

const SHA = (c: string) => c.repeat(64);
const publisher = DEV_PUBLISHER;

function manifest(id: string, subject: string, lessons: Array<{ id: string; title: string; unit: string }>) {
  const units = [...new Set(lessons.map((l) => l.unit))];
  return {
    format: 'teachpoint-pack/1',
    id,
    version: 1,
    title: { 'zh-CN': `${subject}示例` },
    publisher,
    createdAt: '2025-09-01T08:00:00Z',
    tree: [
      {
        id: `${id}-s`,
        level: 'stage',
        title: { 'zh-CN': '小学', en: 'Primary' },
        children: [
          {
            id: `${id}-sub`,
            level: 'subject',
            title: { 'zh-CN': subject, en: subject === '数学' ? 'Maths' : 'Chinese' },
            children: [
              {
                id: `${id}-g`,
                level: 'grade',
                title: { 'zh-CN': '一年级' },
                children: units.map((u, i) => ({
                  id: `${id}-u${i}`,
                  level: 'unit',
                  title: { 'zh-CN': u },
                  children: lessons.filter((l) => l.unit === u).map((l) => ({ id: l.id, level: 'lesson', title: { 'zh-CN': l.title }, resources: ['v1', 'ex'] })),
                })),
              },
            ],
          },
        ],
      },
    ],
    resources: [
      {
        id: 'v1',
        kind: 'video',
        title: { 'zh-CN': '课文朗读' },
        blob: { sha256: SHA('a'), size: 1000, mime: 'video/mp4' },
        durationSec: 75,
        thumbnail: { sha256: SHA('b'), size: 10, mime: 'image/jpeg' },
        subtitles: [{ lang: 'zh-CN', label: '中文', blob: { sha256: SHA('c'), size: 10, mime: 'text/vtt' } }],
      },
      { id: 'ex', kind: 'exercise-set', title: { 'zh-CN': '课堂练习' }, exerciseSetId: 'set1' },
    ],
    exercises: [
      {
        id: 'set1',
        title: { 'zh-CN': '课堂练习' },
        mastery: { type: 'm-of-n', m: 2, n: 2 },
        items: [
          { id: 'q1', type: 'single-choice', prompt: '《花的学校》的作者是哪个国家的诗人？', choices: [{ id: 'A', text: '中国' }, { id: 'B', text: '印度' }], correct: 'B', hints: ['他写过《飞鸟集》。'], explanation: '作者泰戈尔是印度诗人。' },
          { id: 'q2', type: 'text-entry', prompt: '3 + 4 = ?（写数字）', accepted: ['7'], hints: [] },
        ],
      },
    ],
  };
}

const math = manifest('cn.sample.math', '数学', [
  { id: 'l1', title: '数一数', unit: '准备课' },
  { id: 'l2', title: '比多少', unit: '准备课' },
  { id: 'l3', title: '认识图形', unit: '第一单元' },
]);
const chinese = manifest('cn.sample.chinese', '语文', [{ id: 'c1', title: '花的学校', unit: '第一单元' }]);

function pack(id: string, title: string): InstalledPack {
  return { id, version: 1, title: { 'zh-CN': title }, publisher: 'county-1', installedAt: '2026-09-01T08:00:00.000Z', bytes: 1000, resourceCount: 2 };
}

function bridgeWith(packs: InstalledPack[], manifests: Record<string, unknown>, materials: Material[] = []) {
  return new FakeBridge({
    'app.info': async () => sampleInfo,
    'storage.usage': async () => sampleStorage,
    'drives.list': async () => [],
    'packs.list': async () => packs,
    'lessons.manifest': async ({ packId }) => ({ id: packId, version: 1, manifest: manifests[packId] as PackContent['manifest'] }),
    'materials.list': async () => materials,
  });
}

let rendered: Rendered | null = null;
const dbs: TeachPointDB[] = [];
afterEach(async () => {
  await rendered?.unmount();
  rendered = null;
  for (const db of dbs.splice(0)) {
    db.close();
    await db.delete();
  }
});

function freshDb(): TeachPointDB {
  const db = new TeachPointDB(`tp-lessons-${Math.random().toString(36).slice(2)}`, { onVersionChange: () => {} });
  dbs.push(db);
  return db;
}

describe('lesson browser (real Chromium, real Dexie)', () => {
  it('fills the catalog from the installed manifests and browses 学段/学科/年级/单元/课 with breadcrumbs', async () => {
    const db = freshDb();
    const bridge = bridgeWith([pack('cn.sample.math', '数学示例'), pack('cn.sample.chinese', '语文示例')], { 'cn.sample.math': math, 'cn.sample.chinese': chinese });
    rendered = await renderApp(bridge, { services: { db } });
    const lessons = page.getByRole('region', { name: '课程' });
    // One stage (小学) is chosen automatically; two subjects to choose from.
    await expect.element(lessons.getByRole('group', { name: '选择学科' })).toBeVisible();
    await expect.element(lessons.getByRole('navigation', { name: '课程目录位置' })).toHaveTextContent('全部课程小学');
    await userEvent.click(lessons.getByRole('button', { name: /数学/ }));
    // 一年级 is the only grade: chosen for us; the units are the next choice.
    await expect.element(lessons.getByRole('group', { name: '选择单元' })).toBeVisible();
    await expect.element(lessons.getByRole('button', { name: /准备课.*2 节课/ })).toBeVisible();
    await userEvent.click(lessons.getByRole('button', { name: /准备课/ }));
    const list = lessons.getByRole('list', { name: '课程列表' });
    await expect.element(list.getByRole('link', { name: /数一数/ })).toHaveAttribute('href', '/lesson/cn.sample.math/l1');
    await expect.element(list.getByRole('link', { name: /比多少/ })).toBeVisible();
    expect(list.getByRole('link').elements()).toHaveLength(2);
    // Back up through the breadcrumbs: the single grade is shown, not skipped, when the teacher comes back to it.
    await userEvent.click(lessons.getByRole('button', { name: '一年级' }));
    await expect.element(lessons.getByRole('group', { name: '选择单元' })).toBeVisible();
    await userEvent.click(lessons.getByRole('button', { name: '全部课程' }));
    await expect.element(lessons.getByRole('group', { name: '选择学段' })).toBeVisible();

    // The catalog rows are in Dexie, one per lesson, with their path for breadcrumbs.
    const rows = await db.catalog.orderBy('id').toArray();
    expect(rows.map((r) => r.id)).toEqual(['cn.sample.chinese:c1', 'cn.sample.math:l1', 'cn.sample.math:l2', 'cn.sample.math:l3']);
    expect(rows[1]).toMatchObject({ stage: '小学', subject: '数学', grade: '一年级', unit: '准备课', edition: '', volume: '', resourceCount: 2, packVersion: 1 });
    expect(rows[1]!.path?.map((p) => p.level)).toEqual(['stage', 'subject', 'grade', 'unit']);
  });

  it('drops lessons of a removed pack on packs.changed', async () => {
    const db = freshDb();
    const bridge = bridgeWith([pack('cn.sample.math', '数学示例'), pack('cn.sample.chinese', '语文示例')], { 'cn.sample.math': math, 'cn.sample.chinese': chinese });
    rendered = await renderApp(bridge, { services: { db } });
    const lessons = page.getByRole('region', { name: '课程' });
    await expect.element(lessons.getByRole('group', { name: '选择学科' })).toBeVisible();
    bridge.emit('packs.changed', { packs: [pack('cn.sample.chinese', '语文示例')] });
    // Only one pack left: every level has one choice, so its lesson shows at once.
    await expect.element(lessons.getByRole('list', { name: '课程列表' }).getByRole('link', { name: /花的学校/ })).toBeVisible();
    await expect.poll(async () => (await db.catalog.toArray()).map((r) => r.packId)).toEqual(['cn.sample.chinese']);
  });

  it('says what to do when nothing is installed', async () => {
    rendered = await renderApp(bridgeWith([], {}), { services: { db: freshDb() } });
    await expect.element(page.getByRole('region', { name: '课程' })).toHaveTextContent('导入资源包后，课程会出现在这里。');
  });
});

describe('lesson page and exercise runner', () => {
  const material: Material = {
    id: 'mat-1',
    title: '我拍的教室视频',
    kind: 'video',
    blob: { sha256: SHA('d'), size: 2000, mime: 'video/mp4' },
    thumbnail: null,
    durationSec: 3,
    originalName: 'a.avi',
    converted: true,
    addedAt: '2026-09-02T08:00:00.000Z',
    attachedTo: [{ packId: 'cn.sample.chinese', lessonId: 'c1' }],
  };

  it('shows the video with poster and subtitles from /media, and the attached material', async () => {
    const bridge = bridgeWith([pack('cn.sample.chinese', '语文示例')], { 'cn.sample.chinese': chinese }, [material]);
    rendered = await renderApp(bridge, { path: '/lesson/cn.sample.chinese/c1', services: { db: freshDb() } });
    await expect.element(page.getByRole('heading', { level: 1, name: '花的学校' })).toBeVisible();
    const resources = page.getByRole('list', { name: '本课资源' });
    await expect.element(resources.getByRole('button', { name: /课文朗读/ })).toHaveAttribute('aria-pressed', 'true');
    const video = document.querySelector('video')!;
    expect(video.getAttribute('src')).toBe(`/media/${SHA('a')}?token=tok`);
    expect(video.getAttribute('poster')).toBe(`/media/${SHA('b')}?token=tok`);
    expect(video.controls).toBe(true);
    const track = video.querySelector('track')!;
    expect([track.getAttribute('src'), track.srclang, track.kind]).toEqual([`/media/${SHA('c')}?token=tok`, 'zh-CN', 'subtitles']);
    await expect.element(page.getByText('时长 1 分 15 秒')).toBeVisible();
    // Projector controls: class mode for the lesson, playback speed and a subtitle switch under the video.
    await expect.element(page.getByRole('button', { name: '课堂模式（F）' })).toBeVisible();
    await expect.element(page.getByRole('group', { name: '播放速度' }).getByRole('button', { name: '1 倍' })).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(page.getByRole('button', { name: '0.75 倍' }));
    expect(video.playbackRate).toBe(0.75);
    await userEvent.click(page.getByRole('button', { name: '字幕：开' }));
    await expect.element(page.getByRole('button', { name: '字幕：关' })).toBeVisible();
    expect(video.textTracks[0]?.mode).toBe('disabled');
    await userEvent.click(resources.getByRole('button', { name: /我拍的教室视频/ }));
    await expect.poll(() => document.querySelector('video')?.getAttribute('src')).toBe(`/media/${SHA('d')}?token=tok`);
  });

  // The runner itself (feedback, explanation timing, mastery, pinyin, save failures) is tested in
  // features/exercises/exercises.browser.test.tsx; here: the lesson page opens it and it records
  // under the signed-in learner only.
  it('opens the exercise set from the lesson; refuses answers until a learner is signed in, then records under them', async () => {
    const db = freshDb();
    const bridge = bridgeWith([pack('cn.sample.chinese', '语文示例')], { 'cn.sample.chinese': chinese });
    rendered = await renderApp(bridge, { path: '/lesson/cn.sample.chinese/c1', services: { db } });
    await userEvent.click(page.getByRole('list', { name: '本课资源' }).getByRole('button', { name: /课堂练习/ }));
    const runner = page.getByRole('region', { name: '练习题' });
    await expect.element(runner.getByRole('alert')).toHaveTextContent('先选你的名字，再做练习。');
    await expect.element(runner.getByRole('radio', { name: '印度' })).toBeDisabled();
    await db.learners.put({
      id: 'learner-1', name: '小明', avatar: 'panda', classId: null, picturePassword: null, archived: false,
      createdAt: '2026-09-01T00:00:00Z', updatedAt: '2026-09-01T00:00:00Z', updatedBy: 'device:test', origin: 'device', deleted: false,
    });
    await db.settings.put({ key: CURRENT_LEARNER_SETTING, value: 'learner-1' });
    await expect.element(runner.getByTestId('exercise-learner')).toHaveTextContent('当前学生：小明');
    await userEvent.click(runner.getByRole('radio', { name: '印度' }));
    await userEvent.click(runner.getByRole('button', { name: '提交答案' }));
    await expect.element(runner.getByRole('status')).toHaveTextContent('回答正确！');
    await expect.element(runner.getByTestId('exercise-saved')).toHaveTextContent('答案已保存');
    const events = await db.events.toArray();
    expect(events.map((e) => [e.learnerId, e.verb, e.objectId, e.result?.success])).toEqual([['learner-1', 'answered', 'cn.sample.chinese/set1/q1', true]]);
    expect((await db.outbox.toArray()).filter((o) => o.table === 'events').map((o) => o.recordId)).toEqual([events[0]!.id]);
  });

  it('follows a pack update while its lesson is open (the old manifest is not kept in the module cache)', async () => {
    const id = 'cn.sample.update';
    const v1 = manifest(id, '语文', [{ id: 'u1', title: '花的学校', unit: '第一单元' }]);
    const v2 = { ...v1, version: 2, resources: v1.resources.map((r) => (r.id === 'v1' ? { ...r, title: { 'zh-CN': '课文朗读（新版）' }, blob: { sha256: SHA('e'), size: 1000, mime: 'video/mp4' } } : r)) };
    let current: { version: number; manifest: unknown } = { version: 1, manifest: v1 };
    const bridge = new FakeBridge({
      'app.info': async () => sampleInfo,
      'storage.usage': async () => sampleStorage,
      'drives.list': async () => [],
      'packs.list': async () => [{ ...pack(id, '语文示例'), version: current.version }],
      'lessons.manifest': async ({ packId }) => ({ id: packId, version: current.version, manifest: current.manifest as PackContent['manifest'] }),
      'materials.list': async () => [],
    });
    rendered = await renderApp(bridge, { path: `/lesson/${id}/u1`, services: { db: freshDb() } });
    await expect.poll(() => document.querySelector('video')?.getAttribute('src')).toBe(`/media/${SHA('a')}?token=tok`);
    // The import replaces the pack (and deletes v1's blobs), then announces the new list.
    current = { version: 2, manifest: v2 };
    bridge.emit('packs.changed', { packs: [{ ...pack(id, '语文示例'), version: 2 }] });
    await expect.element(page.getByRole('list', { name: '本课资源' }).getByRole('button', { name: /课文朗读（新版）/ })).toBeVisible();
    await expect.poll(() => document.querySelector('video')?.getAttribute('src')).toBe(`/media/${SHA('e')}?token=tok`);
    // Opening the lesson again (a new page) gets v2 too, not the cached v1.
    await rendered.unmount();
    rendered = await renderApp(bridge, { path: `/lesson/${id}/u1`, services: { db: freshDb() } });
    await expect.poll(() => document.querySelector('video')?.getAttribute('src')).toBe(`/media/${SHA('e')}?token=tok`);
  });

  it('shows a bilingual error for an unknown lesson', async () => {
    const bridge = bridgeWith([pack('cn.sample.chinese', '语文示例')], { 'cn.sample.chinese': chinese });
    rendered = await renderApp(bridge, { path: '/lesson/cn.sample.chinese/nope', services: { db: freshDb() } });
    await expect.element(page.getByRole('alert')).toHaveTextContent('错误代码：lessons.not-found');
  });
});
