import Dexie from 'dexie';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { PackContent } from '../../../../common/bridge/methods/lessons';
import type { ExerciseSet } from '../../../../content-packs/format/manifest';
import { AppProviders } from '../../app/App';
import { TeachPointDB } from '../../db/db';
import { addLearners, createAssignment, createClass } from '../../db/people';
import { createI18n } from '../../i18n/i18n';
import { WebPlatform } from '../../platform/web-platform';
import { FakeBridge } from '../../test/fake-bridge';
import { MemoryStorage } from '../../test/render';
import { fakeTeacher } from '../../test/teacher';
import '../../styles.css';
import { recordAnswer, recordCompleted } from '../progress/record';
import { BOM, parseCsv } from './csv';
import { ReportsPage } from './ReportsPage';
import { DEV_PUBLISHER } from '../../test/publisher';

// Real Chromium + real IndexedDB: events are written with the same functions the runner uses, the
// report reads them back through Dexie; only the host (lessons.manifest) is a fake bridge.
const publisher = DEV_PUBLISHER;
const tf = (id: string, prompt: string) => ({ id, type: 'true-false' as const, prompt, correct: true, hints: [] });
const set: ExerciseSet = { id: 'set1', title: { 'zh-CN': '比多少 练习' }, mastery: { type: 'n-in-a-row', n: 3 }, items: [tf('q1', '5 比 3 多。'), tf('q2', '2 比 1 多。'), tf('q3', '4 比 4 一样多。')] };
const manifest = {
  format: 'teachpoint-pack/1',
  id: 'pk',
  version: 1,
  title: { 'zh-CN': '数学示例' },
  publisher,
  createdAt: '2025-09-01T08:00:00Z',
  tree: [{ id: 'l1', level: 'lesson', title: { 'zh-CN': '比多少' }, resources: ['ex'] }],
  resources: [{ id: 'ex', kind: 'exercise-set', title: { 'zh-CN': '比多少 练习' }, exerciseSetId: 'set1' }],
  exercises: [set],
};

let mounted: { root: Root; container: HTMLElement } | null = null;
const dbs: TeachPointDB[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  if (mounted) {
    const m = mounted;
    await act(async () => m.root.unmount());
    m.container.remove();
    mounted = null;
  }
  for (const db of dbs.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

async function render(db: TeachPointDB, path: string, teacher = true) {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const bridge = new FakeBridge({ ...fakeTeacher({ unlocked: teacher }).handlers, 'lessons.manifest': async ({ packId }) => ({ id: packId, version: 1, manifest: manifest as unknown as PackContent['manifest'] }) });
  const root = createRoot(container);
  await act(async () => {
    root.render(
      <AppProviders services={{ bridge, platform: new WebPlatform(bridge, 'tok'), db }} i18n={createI18n({ storage: new MemoryStorage() })}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path="/teacher/reports" element={<ReportsPage />} />
          </Routes>
        </MemoryRouter>
      </AppProviders>,
    );
  });
  mounted = { root, container };
}

describe('reports page (real IndexedDB)', () => {
  it('is for teacher mode only', async () => {
    const db = new TeachPointDB(`tp-reports-locked-${Date.now()}`, { onVersionChange: () => {} });
    dbs.push(db);
    await createClass(db, { name: '一年级' });
    await render(db, '/teacher/reports', false);
    await expect.element(page.getByTestId('teacher-only-note')).toBeVisible();
    expect(document.querySelector('[data-testid="class-report"]')).toBeNull();
  });

  it('shows who mastered, who is in progress and who has not started; the CSV carries the same numbers', async () => {
    const db = new TeachPointDB(`tp-reports-${Date.now()}`, { onVersionChange: () => {} });
    dbs.push(db);
    const cls = await createClass(db, { name: '一二年级复式班' });
    const [ming, hong, gang] = await addLearners(db, [
      { classId: cls.id, name: '小明', avatar: 'panda' },
      { classId: cls.id, name: '小红', avatar: 'cat' },
      { classId: cls.id, name: '小刚', avatar: 'dog' },
    ]);
    await createAssignment(db, { classId: cls.id, learnerIds: null, kind: 'exercise-set', packId: 'pk', targetId: 'set1', title: { 'zh-CN': '比多少 练习' } });
    const answer = (l: { id: string; classId: string | null }, item: string, correct: boolean) => recordAnswer(db, l, 'pk', set, item, { correct, score: correct ? 1 : 0, response: 'true', durationMs: 20_000 });
    for (const item of ['q1', 'q2', 'q3']) await answer(ming!, item, true);
    await recordCompleted(db, ming!, 'pk', 'set1', { correct: 3, total: 3, durationMs: 60_000 });
    await answer(hong!, 'q1', false);
    await answer(hong!, 'q1', true);
    await answer(hong!, 'q2', false);
    void gang;

    await render(db, `/teacher/reports?class=${cls.id}`);
    await expect.element(page.getByRole('heading', { level: 1, name: '学习报告' })).toBeVisible();
    const grid = page.getByTestId('report-grid');
    await expect.element(grid).toBeVisible();
    const rowText = (name: string) => document.querySelector(`[data-testid="report-grid"] tr[data-learner="${name}"]`)?.textContent;
    expect(rowText('小明')).toContain('已掌握');
    expect(rowText('小红')).toContain('进行中：正确率 33%，作答 3 次');
    expect(rowText('小刚')).toContain('未开始');
    await expect.element(page.getByTestId('set-mastered')).toHaveTextContent('小明');
    await expect.element(page.getByTestId('set-in-progress')).toHaveTextContent('小红');
    await expect.element(page.getByTestId('set-not-started')).toHaveTextContent('小刚');
    await expect.element(page.getByTestId('set-hardest')).toHaveTextContent('2 比 1 多。（第一次答对 50%）');
    await expect.element(page.getByTestId('reports-summary')).toHaveTextContent('学生 3 人 · 练习 1 组 · 共作答 6 次 · 正确率 67% · 用时 2 分钟 · 一组都没开始的学生 1 人');

    // CSV: capture the blob the page hands to the download link.
    const blobs: Blob[] = [];
    const original = URL.createObjectURL.bind(URL);
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b: Blob | MediaSource) => {
      blobs.push(b as Blob);
      return original(b);
    });
    await userEvent.click(page.getByRole('button', { name: '导出表格（CSV）' }));
    expect(blobs).toHaveLength(1);
    const bytes = new Uint8Array(await blobs[0]!.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM for Excel
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith(BOM)).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(['班级', '学生', '练习', '状态', '作答次数', '答对次数', '正确率(%)', '用时(分钟)', '最近作答']);
    const byName = new Map(rows.slice(1).map((r) => [r[1], r]));
    expect(byName.get('小明')!.slice(0, 8)).toEqual(['一二年级复式班', '小明', '比多少 练习', '已掌握', '3', '3', '100', '1']);
    expect(byName.get('小红')!.slice(3, 8)).toEqual(['进行中', '3', '1', '33', '1']);
    expect(byName.get('小刚')!.slice(3, 8)).toEqual(['未开始', '0', '0', '', '0']);

    // Live: a new answer shows without reloading the page.
    await answer(gang!, 'q1', true);
    await expect.poll(() => rowText('小刚')).toContain('进行中：正确率 100%，作答 1 次');
  });
});
