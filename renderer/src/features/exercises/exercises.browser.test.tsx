import Dexie from 'dexie';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { ExerciseSet } from '../../../../content-packs/format/manifest';
import { AppProviders } from '../../app/App';
import { TeachPointDB } from '../../db/db';
import { addLearner, createClass } from '../../db/people';
import { createI18n } from '../../i18n/i18n';
import { WebPlatform } from '../../platform/web-platform';
import { FakeBridge } from '../../test/fake-bridge';
import { MemoryStorage } from '../../test/render';
import { fakeTeacher } from '../../test/teacher';
import '../../styles.css';
import { MasteredMark } from '../progress/MasteredMark';
import { recordAnswer } from '../progress/record';
import { ExerciseRunner } from './ExerciseRunner';
import { CURRENT_LEARNER_SETTING } from './learner';

// Real Chromium, real IndexedDB (Dexie), the real runner; only the bridge is a fake (no host calls needed).
const SHA = (c: string) => c.repeat(64);
const set: ExerciseSet = {
  id: 'set1',
  title: { 'zh-CN': '读音练习' },
  mastery: { type: 'n-in-a-row', n: 2 },
  items: [
    {
      id: 'q1',
      type: 'single-choice',
      prompt: '“坝”读音是？',
      pinyin: 'bà',
      hints: ['声母是 b。'],
      explanation: '坝读 bà。',
      choices: [
        { id: 'A', text: 'bà' },
        { id: 'B', text: 'pà' },
      ],
      correct: 'A',
    },
    {
      id: 'q2',
      type: 'true-false',
      prompt: '图上有三只小猫。',
      hints: [],
      explanation: '数一数：三只。',
      image: { sha256: SHA('a'), size: 100, mime: 'image/png' },
      audioPrompt: { sha256: SHA('b'), size: 100, mime: 'audio/mpeg' },
      correct: true,
    },
    {
      id: 'q3',
      type: 'order',
      prompt: '从小到大排一排。',
      hints: [],
      choices: [
        { id: 'x', text: '3' },
        { id: 'y', text: '1' },
      ],
      sequence: ['y', 'x'],
    },
  ],
};

let mounted: { root: Root; container: HTMLElement } | null = null;
const dbs: TeachPointDB[] = [];
let n = 0;

afterEach(async () => {
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

async function render(db: TeachPointDB | null, extra?: React.ReactNode, opts: { teacher?: boolean } = {}) {
  const container = document.createElement('div');
  document.body.appendChild(container);
  const bridge = new FakeBridge({ ...fakeTeacher({ unlocked: opts.teacher ?? false }).handlers });
  const i18n = createI18n({ storage: new MemoryStorage() });
  const root = createRoot(container);
  await act(async () => {
    root.render(
      <AppProviders services={{ bridge, platform: new WebPlatform(bridge, 'tok'), db }} i18n={i18n}>
        <MemoryRouter>
          {extra ?? <ExerciseRunner packId="pk" set={set} />}
        </MemoryRouter>
      </AppProviders>,
    );
  });
  mounted = { root, container };
  return page.getByRole('region', { name: '练习题' });
}


async function freshDb() {
  const db = new TeachPointDB(`tp-ex-${Date.now()}-${n++}`, { onVersionChange: () => {} });
  dbs.push(db);
  await db.open();
  return db;
}

async function signIn(db: TeachPointDB, name: string) {
  const cls = (await db.classes.toArray())[0] ?? (await createClass(db, { name: '一二年级复式班' }));
  const learner = await addLearner(db, { classId: cls.id, name, avatar: 'panda' });
  await db.settings.put({ key: CURRENT_LEARNER_SETTING, value: learner.id });
  return learner;
}

describe('exercise runner (real IndexedDB)', () => {
  it('refuses answers while nobody is signed in and says how to pick a name', async () => {
    const db = await freshDb();
    const runner = await render(db);
    await expect.element(runner.getByRole('alert')).toHaveTextContent('先选你的名字，再做练习。');
    await expect.element(runner.getByRole('link', { name: '去选名字' })).toHaveAttribute('href', '/student');
    await expect.element(runner.getByRole('radio', { name: 'bà' })).toBeDisabled();
    expect(runner.getByRole('button', { name: '提交答案' }).elements()).toHaveLength(0);
    expect(await db.events.count()).toBe(0);
    // Signing in elsewhere (another screen writes the setting) unlocks the runner live.
    await signIn(db, '小明');
    await expect.element(runner.getByTestId('exercise-learner')).toHaveTextContent('当前学生：小明');
    await expect.element(runner.getByRole('radio', { name: 'bà' })).toBeEnabled();
  });

  it('never shows the sheet pinyin; explanation only once the item is finished; mastery written once', async () => {
    const db = await freshDb();
    const ming = await signIn(db, '小明');
    const runner = await render(db);
    await expect.element(runner.getByTestId('exercise-learner')).toHaveTextContent('当前学生：小明');
    // The answer's reading ("bà" in the sheet's 拼音 column) is not printed under the question.
    expect(runner.getByRole('group', { name: '“坝”读音是？' }).element().textContent).not.toMatch(/拼音/);
    // Wrong first: no explanation yet, not a green box.
    await userEvent.click(runner.getByRole('radio', { name: 'pà' }));
    await userEvent.click(runner.getByRole('button', { name: '提交答案' }));
    const status = runner.getByRole('status');
    await expect.element(status).toHaveTextContent('不对，再想一想。');
    expect(status.element().className).not.toMatch(/notice-ok/);
    expect(runner.element().textContent).not.toContain('讲解：');
    await expect.element(runner.getByTestId('exercise-saved')).toBeVisible();
    // Retry right: green, explanation now.
    await userEvent.click(runner.getByRole('button', { name: '再试一次' }));
    await userEvent.click(runner.getByRole('radio', { name: 'bà' }));
    await userEvent.click(runner.getByRole('button', { name: '提交答案' }));
    await expect.element(status).toHaveTextContent('回答正确！');
    await expect.element(status).toHaveTextContent('讲解：坝读 bà。');
    expect(status.element().className).toMatch(/notice-ok/);
    await expect.element(runner.getByTestId('exercise-saved')).toHaveAttribute('data-count', '2');
    await userEvent.click(runner.getByRole('button', { name: '下一题' }));
    // Item 2: its picture and a big listen button.
    const img = runner.getByRole('img', { name: '题目配图' });
    await expect.element(img).toHaveAttribute('src', `/media/${SHA('a')}?token=tok`);
    expect(document.querySelector('[data-testid="exercise-audio"]')?.getAttribute('src')).toBe(`/media/${SHA('b')}?token=tok`);
    const listen = runner.getByRole('button', { name: '听题目' });
    await expect.element(listen).toBeVisible();
    // Wrong, then give up: the explanation comes with "看讲解", not before.
    await userEvent.click(runner.getByRole('radio', { name: '错' }));
    await userEvent.click(runner.getByRole('button', { name: '提交答案' }));
    await expect.element(status).toHaveTextContent('不对，再想一想。');
    expect(status.element().textContent).not.toContain('讲解');
    await userEvent.click(runner.getByRole('button', { name: '看讲解' }));
    await expect.element(status).toHaveTextContent('讲解：数一数：三只。');
    await userEvent.click(runner.getByRole('button', { name: '下一题' }));
    // Item 3 right at once; touch targets are large.
    for (const el of [...runner.element().querySelectorAll('button')]) {
      const r = el.getBoundingClientRect();
      expect(Math.min(r.width, r.height), el.textContent ?? '').toBeGreaterThanOrEqual(48);
    }
    await userEvent.click(runner.getByRole('button', { name: '下移 3' }));
    await userEvent.click(runner.getByRole('button', { name: '提交答案' }));
    await expect.element(status).toHaveTextContent('回答正确！');
    await userEvent.click(runner.getByRole('button', { name: '查看结果' }));
    // 1 of 3 right at the first try, and the rule (2 in a row, first tries only) is not met: not green.
    const summary = runner.getByTestId('exercise-summary');
    await expect.element(summary).toHaveTextContent('这一次：答对 1 题，共 3 题。');
    await expect.element(summary).toHaveTextContent('还没有达到掌握标准（连续答对 2 题）');
    expect(summary.element().className).not.toMatch(/notice-ok/);
    await expect.poll(async () => (await db.events.filter((e) => e.verb === 'completed').count())).toBe(1);

    // Second run: q1 right at the first try makes two first tries right in a row (q3 of run 1, q1
    // now): the rule is met across runs, `mastered` is written with that answer, once; badge shown.
    await userEvent.click(runner.getByRole('button', { name: '再练一次' }));
    expect(runner.getByTestId('exercise-mastered').elements()).toHaveLength(0);
    await userEvent.click(runner.getByRole('radio', { name: 'bà' }));
    await userEvent.click(runner.getByRole('button', { name: '提交答案' }));
    await expect.element(runner.getByTestId('exercise-mastered')).toHaveTextContent('已掌握');
    await userEvent.click(runner.getByRole('button', { name: '下一题' }));
    await userEvent.click(runner.getByRole('radio', { name: '对' }));
    await userEvent.click(runner.getByRole('button', { name: '提交答案' }));
    await expect.poll(async () => db.events.filter((e) => e.verb === 'answered').count()).toBe(6);
    await userEvent.click(runner.getByRole('button', { name: '下一题' }));
    await userEvent.click(runner.getByRole('button', { name: '下移 3' }));
    await userEvent.click(runner.getByRole('button', { name: '提交答案' }));
    await userEvent.click(runner.getByRole('button', { name: '查看结果' }));
    await expect.element(summary).toHaveTextContent('你已经掌握了这组练习（连续答对 2 题）！');
    expect(summary.element().className).toMatch(/notice-ok/);

    const events = await db.events.orderBy('id').toArray();
    expect(events.every((e) => e.learnerId === ming.id && e.classId === ming.classId)).toBe(true);
    expect(events.map((e) => `${e.verb} ${e.objectId} ${e.result?.success ?? ''}`)).toEqual([
      'answered pk/set1/q1 false',
      'answered pk/set1/q1 true',
      'answered pk/set1/q2 false',
      'answered pk/set1/q3 true',
      'completed pk/set1 ',
      'answered pk/set1/q1 true',
      'mastered pk/set1 true',
      'answered pk/set1/q2 true',
      'answered pk/set1/q3 true',
      'completed pk/set1 ',
    ]);
    // Every event has its outbox row (P0).
    const outbox = await db.outbox.where('table').equals('events').toArray();
    expect(outbox.map((o) => o.recordId).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('a failed save is shown on its own in red with what to do, never inside the green box', async () => {
    const db = await freshDb();
    await signIn(db, '小红');
    const runner = await render(db);
    await expect.element(runner.getByTestId('exercise-learner')).toHaveTextContent('当前学生：小红');
    const failing = (() => {
      throw new Error('simulated disk full');
    }) as never;
    db.outbox.hook('creating', failing);
    await userEvent.click(runner.getByRole('radio', { name: 'bà' }));
    await userEvent.click(runner.getByRole('button', { name: '提交答案' }));
    const alert = runner.getByRole('alert');
    await expect.element(alert).toHaveTextContent('这次的答案没有保存下来。');
    await expect.element(alert).toHaveTextContent('请告诉老师');
    expect(alert.element().className).toMatch(/notice-error/);
    const status = runner.getByRole('status');
    await expect.element(status).toHaveTextContent('回答正确！');
    expect(status.element().textContent).not.toContain('没有保存');
    expect(status.element().contains(alert.element())).toBe(false);
    db.outbox.hook('creating').unsubscribe(failing);
    expect(await db.events.count()).toBe(0);
  });

  it('pinyin ruby on the question when switched on, never over the quoted text it asks about; the choice persists', async () => {
    const db = await freshDb();
    await signIn(db, '小刚');
    // The switch is the teacher's: a child's screen does not show it.
    let runner = await render(db);
    await expect.element(runner.getByTestId('exercise-learner')).toHaveTextContent('当前学生：小刚');
    expect(runner.getByRole('button', { name: '拼音' }).elements()).toHaveLength(0);
    await act(async () => mounted!.root.unmount());
    mounted!.container.remove();
    mounted = null;
    runner = await render(db, undefined, { teacher: true });
    const toggle = runner.getByRole('button', { name: '拼音' });
    await expect.element(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(document.querySelector('.exercise-prompt ruby')).toBeNull();
    await userEvent.click(toggle);
    await expect.poll(() => document.querySelectorAll('.exercise-prompt ruby').length).toBe(3); // 读 音 是
    const rts = [...document.querySelectorAll('.exercise-prompt rt')].map((e) => e.textContent);
    expect(rts).toEqual(['dú', 'yīn', 'shì']);
    expect(rts).not.toContain('bà');
    await expect.poll(async () => (await db.settings.get('exercises.pinyin'))?.value).toBe(true);
  });

  it('MasteredMark shows 已掌握 for the signed-in child only, as soon as mastery is recorded', async () => {
    const db = await freshDb();
    const a = await signIn(db, '甲');
    await render(db, <MasteredMark packId="pk" setId="set1" />);
    expect(document.querySelector('[data-testid="mastered-mark"]')).toBeNull();
    for (const item of ['q1', 'q2']) await recordAnswer(db, a, 'pk', set, item, { correct: true, score: 1, response: '', durationMs: 1000 });
    await expect.element(page.getByTestId('mastered-mark')).toHaveTextContent('已掌握');
    await signIn(db, '乙'); // another child at the same PC: not theirs
    await expect.poll(() => document.querySelector('[data-testid="mastered-mark"]')).toBeNull();
  });
});
