import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { PackContent } from '../../../../common/bridge/methods/lessons';
import type { InstalledPack } from '../../../../common/bridge/methods/packs';
import { FakeBridge, sampleInfo, sampleStorage } from '../../test/fake-bridge';
import { renderApp, type Rendered } from '../../test/render';
import { DEV_PUBLISHER } from '../../test/publisher';

const SHA = (c: string) => c.repeat(64);
const publisher = DEV_PUBLISHER;

/** 小学 / <subject> / <grade> / lessons, each with a video 课文朗读 and an exercise set 课堂练习. */
function manifest(id: string, subject: string, grade: string, lessons: Array<{ id: string; title: string }>) {
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
            title: { 'zh-CN': subject },
            children: [
              {
                id: `${id}-g`,
                level: 'grade',
                title: { 'zh-CN': grade },
                children: lessons.map((l) => ({ id: l.id, level: 'lesson', title: { 'zh-CN': l.title }, resources: ['v1', 'ex'] })),
              },
            ],
          },
        ],
      },
    ],
    resources: [
      { id: 'v1', kind: 'video', title: { 'zh-CN': '课文朗读' }, blob: { sha256: SHA('a'), size: 1000, mime: 'video/mp4' } },
      { id: 'ex', kind: 'exercise-set', title: { 'zh-CN': '课堂练习' }, exerciseSetId: 'set1' },
    ],
    exercises: [
      {
        id: 'set1',
        title: { 'zh-CN': '课堂练习' },
        mastery: { type: 'm-of-n', m: 2, n: 2 },
        items: [
          { id: 'q1', type: 'single-choice', prompt: '1 + 1 = ?', choices: [{ id: 'A', text: '2' }, { id: 'B', text: '3' }], correct: 'A', hints: [] },
          { id: 'q2', type: 'text-entry', prompt: '3 + 4 = ?（写数字）', accepted: ['7'], hints: [] },
        ],
      },
    ],
  };
}

// Pack ids unique to this file: manifests are cached per id@version for the whole page.
const math = manifest('cn.search.math', '数学', '一年级', [
  { id: 'l1', title: '加法' },
  { id: 'l2', title: '减法' },
  { id: 'l3', title: '认识长方形' },
]);
const chinese = manifest('cn.search.chinese', '语文', '二年级', [{ id: 'c1', title: '花的学校' }]);

function pack(id: string): InstalledPack {
  return { id, version: 1, title: { 'zh-CN': id }, publisher: 'county-1', installedAt: '2026-09-01T08:00:00.000Z', bytes: 1000, resourceCount: 2 };
}

function bridgeWith(packs: InstalledPack[]) {
  const manifests: Record<string, unknown> = { 'cn.search.math': math, 'cn.search.chinese': chinese };
  return new FakeBridge({
    'app.info': async () => sampleInfo,
    'storage.usage': async () => sampleStorage,
    'drives.list': async () => [],
    'packs.list': async () => packs,
    'lessons.manifest': async ({ packId }) => ({ id: packId, version: 1, manifest: manifests[packId] as PackContent['manifest'] }),
    'materials.list': async () => [],
  });
}

let rendered: Rendered | null = null;
afterEach(async () => {
  await rendered?.unmount();
  rendered = null;
});

describe('search (real Chromium)', () => {
  it('the header box finds 加法 by pinyin initials with the subject first (sxjf), grouped by 学段·学科·年级, down to the resource', async () => {
    const bridge = bridgeWith([pack('cn.search.math'), pack('cn.search.chinese')]);
    rendered = await renderApp(bridge);
    const box = page.getByRole('searchbox', { name: '搜索课程和资源' });
    await userEvent.fill(box, 'sxjf');
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByRole('heading', { level: 1, name: '搜索结果' })).toBeVisible();
    const results = page.getByRole('region', { name: '搜索结果' });
    const group = page.getByRole('region', { name: '小学 · 数学 · 一年级' });
    // sxjf = 数学 + jf: 加法 (jiafa) and 减法 (jianfa), each with its two resources; 语文 has none
    await expect.element(group.getByRole('link', { name: '加法' })).toHaveAttribute('href', '/lesson/cn.search.math/l1');
    await expect.element(group.getByRole('link', { name: '减法' })).toBeVisible();
    await expect.element(results.getByRole('status')).toHaveTextContent('“sxjf”：找到 2 节课，共 4 个资源');
    expect(page.getByRole('region', { name: /语文/ }).elements()).toHaveLength(0);

    // Typing on the results page updates them as you type
    await userEvent.fill(box, 'sxjiaf');
    await expect.element(results.getByRole('status')).toHaveTextContent('“sxjiaf”：找到 1 节课，共 2 个资源');

    // a resource hit opens the lesson on that resource
    await userEvent.fill(box, 'hdxx lianxi');
    const hit = page.getByRole('list', { name: '“花的学校”中找到的资源' }).getByRole('link', { name: /课堂练习/ });
    await expect.element(hit).toHaveAttribute('href', '/lesson/cn.search.chinese/c1?resource=ex');
    await userEvent.click(hit);
    await expect.element(page.getByRole('heading', { level: 1, name: '花的学校' })).toBeVisible();
    await expect.element(page.getByRole('list', { name: '本课资源' }).getByRole('button', { name: /课堂练习/ })).toHaveAttribute('aria-pressed', 'true');
  });

  it('rebuilds when packs change, and says what to try when nothing matches', async () => {
    const bridge = bridgeWith([pack('cn.search.math'), pack('cn.search.chinese')]);
    rendered = await renderApp(bridge, { path: '/search?q=cfx' });
    await expect.element(page.getByRole('region', { name: '小学 · 数学 · 一年级' }).getByRole('link', { name: '认识长方形' })).toBeVisible();
    bridge.emit('packs.changed', { packs: [pack('cn.search.chinese')] });
    await expect.element(page.getByText('没有找到“cfx”。', { exact: false })).toBeVisible();
    await expect.element(page.getByText(/sxjf（数学·加法）/)).toBeVisible();
  });

  it('with nothing installed it says to import a pack', async () => {
    rendered = await renderApp(bridgeWith([]), { path: '/search?q=jf' });
    await expect.element(page.getByText('还没有安装资源包，没有可以搜索的内容。', { exact: false })).toBeVisible();
  });
});
