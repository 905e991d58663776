import Dexie from 'dexie';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { InstalledPack } from '../../../../common/bridge/methods/packs';
import { withTeacherSession } from '../../bridge/teacher-session';
import { TeachPointDB } from '../../db/db';
import { appendEvent } from '../../db/outbox';
import { addLearners, createClass, listLearners } from '../../db/people';
import { FakeBridge, sampleInfo, sampleStorage } from '../../test/fake-bridge';
import { renderApp, type Rendered } from '../../test/render';
import { fakeTeacher } from '../../test/teacher';
import type { PackContent } from '../../../../common/bridge/methods/lessons';
import { readSignedInLearner, STUDENT_IDLE_SETTING } from './signed-in';
import { DEV_PUBLISHER } from '../../test/publisher';

/** A minimal valid manifest: one lesson (花的学校) with a video and a 2-item exercise set. */
const MANIFEST = {
  format: 'teachpoint-pack/1',
  id: 'cn.sample.chinese',
  version: 1,
  title: { 'zh-CN': '语文示例' },
  publisher: DEV_PUBLISHER,
  createdAt: '2025-09-01T08:00:00Z',
  tree: [
    {
      id: 'u1',
      level: 'unit',
      title: { 'zh-CN': '第一单元' },
      children: [{ id: 'c1', level: 'lesson', title: { 'zh-CN': '花的学校' }, resources: ['v1', 'ex'] }],
    },
  ],
  resources: [
    { id: 'v1', kind: 'video', title: { 'zh-CN': '课文朗读' }, blob: { sha256: 'a'.repeat(64), size: 1000, mime: 'video/mp4' }, durationSec: 75 },
    { id: 'ex', kind: 'exercise-set', title: { 'zh-CN': '课堂练习' }, exerciseSetId: 'set1' },
  ],
  exercises: [
    {
      id: 'set1',
      title: { 'zh-CN': '课堂练习' },
      mastery: { type: 'm-of-n', m: 2, n: 2 },
      items: [
        { id: 'q1', type: 'single-choice', prompt: '作者是哪国诗人？', choices: [{ id: 'A', text: '中国' }, { id: 'B', text: '印度' }], correct: 'B', hints: [] },
        { id: 'q2', type: 'text-entry', prompt: '3 + 4 = ?', accepted: ['7'], hints: [] },
      ],
    },
  ],
};

// Real Chromium, real IndexedDB (one fresh database per test), the whole app shell with a fake host.
let rendered: Rendered | null = null;
const dbs: TeachPointDB[] = [];
afterEach(async () => {
  await rendered?.unmount();
  rendered = null;
  for (const db of dbs.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
  fakeTeacher(); // leaves the window's teacher session cleared
});

let n = 0;
function freshDb(): TeachPointDB {
  const db = new TeachPointDB(`tp-people-${Date.now()}-${n++}`, { onVersionChange: () => {} });
  dbs.push(db);
  return db;
}

function base() {
  return {
    'app.info': async () => sampleInfo,
    'storage.usage': async () => sampleStorage,
    'packs.list': async (): Promise<InstalledPack[]> => [],
    'drives.list': async () => [],
    'materials.list': async () => [],
  };
}

describe('teacher mode (renderer)', () => {
  it('first use: choose a PIN (twice), then the class page; lock returns to the PIN screen', async () => {
    const teacher = fakeTeacher({ pin: null });
    const bridge = new FakeBridge({ ...base(), ...teacher.handlers });
    rendered = await renderApp(bridge, { path: '/teacher', services: { db: freshDb(), bridge: withTeacherSession(bridge) } });
    await expect.element(page.getByRole('heading', { name: '第一次使用：设置教师密码' })).toBeVisible();
    await userEvent.fill(page.getByLabelText('新密码（4–8 位数字）'), '2468');
    await userEvent.fill(page.getByLabelText('再输入一次'), '2469');
    await userEvent.click(page.getByRole('button', { name: '设置密码并进入' }));
    await expect.element(page.getByRole('alert')).toHaveTextContent('两次输入的密码不一样');
    await userEvent.fill(page.getByLabelText('再输入一次'), '2468');
    await userEvent.click(page.getByRole('button', { name: '设置密码并进入' }));
    await expect.element(page.getByRole('heading', { name: '班级' })).toBeVisible();
    expect(teacher.state.pin).toBe('2468');
    await userEvent.click(page.getByRole('button', { name: '退出教师模式' }));
    await expect.element(page.getByRole('heading', { name: '输入教师密码' })).toBeVisible();
    // Wrong PIN: the host's bilingual refusal; right PIN: in.
    await userEvent.fill(page.getByLabelText('教师密码', { exact: true }), '1111');
    await userEvent.click(page.getByRole('button', { name: '进入教师模式' }));
    await expect.element(page.getByRole('alert')).toHaveTextContent('教师密码不对');
    await userEvent.fill(page.getByLabelText('教师密码', { exact: true }), '2468');
    await userEvent.click(page.getByRole('button', { name: '进入教师模式' }));
    await expect.element(page.getByRole('button', { name: '退出教师模式' })).toBeVisible();
  });

  it('the reports page (every child\'s results) shows the PIN screen instead while teacher mode is locked', async () => {
    const teacher = fakeTeacher({ unlocked: false });
    const db = freshDb();
    await createClass(db, { name: '一年级' });
    rendered = await renderApp(new FakeBridge({ ...base(), ...teacher.handlers }), { path: '/teacher/reports', services: { db } });
    await expect.element(page.getByRole('heading', { name: '输入教师密码' })).toBeVisible();
    expect(page.getByRole('heading', { name: /学习报告/ }).query()).toBeNull();
  });

  it('student screens show no pack removal/export; teacher mode shows them and the call carries the session', async () => {
    const teacher = fakeTeacher({ unlocked: false });
    const pack: InstalledPack = { id: 'cn.p1', version: 1, title: { 'zh-CN': '一年级数学' }, publisher: 'k', installedAt: '2026-09-01T08:00:00.000Z', bytes: 1000, resourceCount: 3 };
    const removed: unknown[] = [];
    const bridge = new FakeBridge({
      ...base(),
      ...teacher.handlers,
      'packs.list': async () => [pack],
      'packs.remove': async (req) => {
        teacher.guard(req);
        removed.push(req);
        return { id: pack.id, version: 1, bytesFreed: 0 };
      },
    });
    rendered = await renderApp(bridge, { path: '/', services: { db: freshDb(), bridge: withTeacherSession(bridge) } });
    const item = page.getByRole('listitem', { name: '一年级数学' });
    await expect.element(item).toBeVisible();
    expect(item.getByRole('button', { name: '删除' }).query()).toBeNull();
    await rendered.unmount();

    const { session } = await teacher.handlers['teacher.unlock']!({ pin: '2468' });
    const { teacherSession } = await import('../../bridge/teacher-session');
    teacherSession.set(session);
    rendered = await renderApp(bridge, { path: '/', services: { db: freshDb(), bridge: withTeacherSession(bridge) } });
    await userEvent.click(page.getByRole('listitem', { name: '一年级数学' }).getByRole('button', { name: '删除' }));
    await userEvent.click(page.getByRole('button', { name: '确定删除' }));
    await expect.poll(() => removed.map((r) => (r as { id: string }).id)).toEqual(['cn.p1']);
    expect(bridge.calls.find((c) => c.method === 'packs.remove')?.request).toEqual({ id: 'cn.p1', teacherSession: session });
  });
});

describe('classes and learners (teacher mode, real IndexedDB)', () => {
  it('creates a class, adds learners by pasting an Excel column (blank, duplicate and header noted), each a record with an outbox row', async () => {
    const teacher = fakeTeacher({ unlocked: true });
    const db = freshDb();
    const bridge = new FakeBridge({ ...base(), ...teacher.handlers });
    rendered = await renderApp(bridge, { path: '/teacher', services: { db, bridge: withTeacherSession(bridge) } });
    await userEvent.fill(page.getByLabelText('班级名称'), '一二年级复式班');
    await userEvent.click(page.getByRole('button', { name: '新建班级' }));
    await expect.element(page.getByRole('heading', { name: /^一二年级复式班/ })).toBeVisible();

    await userEvent.click(page.getByRole('button', { name: '粘贴名单' }));
    await userEvent.fill(page.getByLabelText(/粘贴学生名单/), '姓名\t性别\n王小明\t男\n李红\t女\n\t\n王小明\t男\n张伟\t男\n赵丽\t女\n陈刚\t男\n');
    await expect.element(page.getByText('将添加 5 名学生。')).toBeVisible();
    await expect.element(page.getByText('重复的名字已跳过：王小明')).toBeVisible();
    await expect.element(page.getByText('第一行是表头（如“姓名”），已跳过。')).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: '添加 5 名学生' }));
    const list = page.getByRole('list', { name: '一二年级复式班的学生' });
    for (const name of ['王小明', '李红', '张伟', '赵丽', '陈刚']) await expect.element(list.getByRole('listitem', { name })).toBeVisible();

    const [klass] = await db.classes.toArray();
    const learners = await listLearners(db, klass!.id);
    expect(learners.map((l) => l.name).sort()).toEqual(['张伟', '李红', '王小明', '赵丽', '陈刚'].sort());
    expect(new Set(learners.map((l) => l.avatar)).size).toBe(5); // each a different picture
    const outbox = await db.outbox.toArray();
    expect(outbox.filter((o) => o.table === 'learners').map((o) => o.recordId).sort()).toEqual(learners.map((l) => l.id).sort());
    expect(outbox.find((o) => o.table === 'classes')).toMatchObject({ recordId: klass!.id, priority: 1, op: 'put' });
  });

  it('archive vs delete: a learner with events can only be archived; one without is soft-deleted; rename and move write new versions', async () => {
    const teacher = fakeTeacher({ unlocked: true });
    const db = freshDb();
    const a = await createClass(db, { name: '一年级' });
    const b = await createClass(db, { name: '二年级' });
    const [ming, hong, wei] = await addLearners(db, [
      { classId: a.id, name: '小明', avatar: 'cat' },
      { classId: a.id, name: '小红', avatar: 'dog' },
      { classId: a.id, name: '小伟', avatar: 'fox' },
    ]);
    await appendEvent(db, { learnerId: ming!.id, classId: a.id, verb: 'answered', objectId: 'p/s/q1', packId: 'p', result: { success: true } });
    const bridge = new FakeBridge({ ...base(), ...teacher.handlers });
    rendered = await renderApp(bridge, { path: `/teacher?class=${a.id}`, services: { db, bridge: withTeacherSession(bridge) } });
    const list = page.getByRole('list', { name: '一年级的学生' });

    const mingRow = list.getByRole('listitem', { name: '小明' });
    await userEvent.click(mingRow.getByRole('button', { name: '移除' }));
    await expect.element(mingRow).toHaveTextContent('已有学习记录，只能归档');
    expect(mingRow.getByRole('button', { name: '删除' }).query()).toBeNull();
    await userEvent.click(mingRow.getByRole('button', { name: '归档' }));
    await expect.element(list.getByRole('listitem', { name: '小明' })).not.toBeInTheDocument();
    expect(await db.learners.get(ming!.id)).toMatchObject({ archived: true, deleted: false });
    expect(await db.events.where('learnerId').equals(ming!.id).count()).toBe(1);

    const hongRow = list.getByRole('listitem', { name: '小红' });
    await userEvent.click(hongRow.getByRole('button', { name: '移除' }));
    await userEvent.click(hongRow.getByRole('button', { name: '删除' }));
    await expect.element(list.getByRole('listitem', { name: '小红' })).not.toBeInTheDocument();
    expect(await db.learners.get(hong!.id)).toMatchObject({ deleted: true }); // soft: the removal syncs

    // Move 小伟 to 二年级, then rename: each change is a new version with its own outbox row.
    await userEvent.selectOptions(list.getByRole('combobox', { name: '小伟所在班级' }), b.id);
    await expect.element(list.getByRole('listitem', { name: '小伟' })).not.toBeInTheDocument();
    expect((await db.learners.get(wei!.id))?.classId).toBe(b.id);
    expect((await db.outbox.where('table').equals('learners').toArray()).filter((o) => o.recordId === wei!.id)).toHaveLength(2);

    // The archived learner is listed apart and can be restored.
    await userEvent.click(page.getByLabelText(/显示已归档的学生/));
    await userEvent.click(page.getByRole('list', { name: '已归档的学生' }).getByRole('button', { name: '恢复' }));
    await expect.element(list.getByRole('listitem', { name: '小明' })).toBeVisible();
  });
});

describe('student sign-in on a shared PC', () => {
  it('two children in turn: each sees only their own work; answers are recorded under whoever is signed in, never mixed', async () => {
    fakeTeacher();
    const db = freshDb();
    const klass = await createClass(db, { name: '一二年级复式班' });
    const [ming, hong] = await addLearners(db, [
      { classId: klass.id, name: '小明', avatar: 'panda' },
      { classId: klass.id, name: '小红', avatar: 'rabbit' },
    ]);
    const bridge = new FakeBridge(base());
    rendered = await renderApp(bridge, { path: '/student', services: { db } });

    // What the exercise runner does for each answer: attribute it to the signed-in child.
    const answer = async (objectId: string, success: boolean) => {
      const who = await readSignedInLearner(db);
      if (!who) throw new Error('nobody signed in');
      await appendEvent(db, { learnerId: who.id, classId: who.classId, verb: 'answered', objectId, packId: 'p', result: { success } });
    };

    await expect.element(page.getByRole('heading', { name: /一二年级复式班：你是谁/ })).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: '小明' }));
    await expect.element(page.getByRole('heading', { name: '你好，小明！' })).toBeVisible();
    await answer('p/s/q1', true);
    await answer('p/s/q2', false);
    await act(async () => {
      await appendEvent(db, { learnerId: ming!.id, classId: klass.id, verb: 'mastered', objectId: 'p/s', packId: 'p' });
    });
    await expect.element(page.getByText('答错一题')).toBeVisible();
    await expect.element(page.getByText('1 颗星星', { exact: false })).toBeVisible();

    await userEvent.click(page.getByRole('button', { name: '换下一位同学' }));
    await expect.element(page.getByRole('button', { name: '小红' })).toBeVisible();
    expect(await readSignedInLearner(db)).toBeNull();
    await userEvent.click(page.getByRole('button', { name: '小红' }));
    await expect.element(page.getByRole('heading', { name: '你好，小红！' })).toBeVisible();
    // 小红 sees none of 小明's work.
    await expect.element(page.getByText('还没有记录。')).toBeVisible();
    await expect.element(page.getByText('0 颗星星', { exact: false })).toBeVisible();
    await answer('p/s/q1', true);

    const byLearner = async (id: string) => (await db.events.where('learnerId').equals(id).toArray()).map((e) => [e.verb, e.objectId, e.classId]);
    expect(await byLearner(ming!.id)).toEqual([
      ['answered', 'p/s/q1', klass.id],
      ['answered', 'p/s/q2', klass.id],
      ['mastered', 'p/s', klass.id],
    ]);
    expect(await byLearner(hong!.id)).toEqual([['answered', 'p/s/q1', klass.id]]);
    expect(await db.events.count()).toBe(4);
    await expect.element(page.getByText('答对一题')).toBeVisible();
    expect(page.getByText('答错一题').query()).toBeNull();
  });

  it('a class with picture passwords asks for the child’s pictures in order; a wrong order is refused', async () => {
    fakeTeacher();
    const db = freshDb();
    const klass = await createClass(db, { name: '三年级' });
    await db.classes.update(klass.id, { picturePassword: true });
    const [li] = await addLearners(db, [{ classId: klass.id, name: '小丽', avatar: 'owl' }]);
    await db.learners.update(li!.id, { picturePassword: ['sun', 'apple'] });
    rendered = await renderApp(new FakeBridge(base()), { path: '/student', services: { db } });
    await userEvent.click(page.getByRole('button', { name: '小丽' }));
    await expect.element(page.getByRole('heading', { name: '小丽，按顺序点你的 2 张图片' })).toBeVisible();
    const pad = page.getByRole('group', { name: '图片密码' });
    await userEvent.click(pad.getByRole('button', { name: '苹果' }));
    await userEvent.click(pad.getByRole('button', { name: '太阳' }));
    await expect.element(page.getByRole('alert')).toHaveTextContent('不对哦，再试一次。');
    expect(await readSignedInLearner(db)).toBeNull();
    await userEvent.click(pad.getByRole('button', { name: '太阳' }));
    await userEvent.click(pad.getByRole('button', { name: '苹果' }));
    await expect.element(page.getByRole('heading', { name: '你好，小丽！' })).toBeVisible();
    expect((await readSignedInLearner(db))?.id).toBe(li!.id);
  });
});

describe('assignments', () => {
  it('the teacher assigns a set to chosen learners with a due date; only they see it at home, with progress from their own events', async () => {
    const teacher = fakeTeacher({ unlocked: true });
    const db = freshDb();
    const klass = await createClass(db, { name: '一二年级复式班' });
    const [ming, hong] = await addLearners(db, [
      { classId: klass.id, name: '小明', avatar: 'panda' },
      { classId: klass.id, name: '小红', avatar: 'rabbit' },
    ]);
    const pack: InstalledPack = { id: 'cn.sample.chinese', version: 1, title: { 'zh-CN': '语文示例' }, publisher: 'k', installedAt: '2026-09-01T08:00:00.000Z', bytes: 1000, resourceCount: 2 };
    const bridge = new FakeBridge({
      ...base(),
      ...teacher.handlers,
      'packs.list': async () => [pack],
      'lessons.manifest': async ({ packId }) => ({ id: packId, version: 1, manifest: MANIFEST as unknown as PackContent['manifest'] }),
    });
    rendered = await renderApp(bridge, { path: `/teacher?class=${klass.id}`, services: { db, bridge: withTeacherSession(bridge) } });
    const panel = page.getByRole('region', { name: '给 一二年级复式班 布置任务' });
    await expect.element(panel.getByRole('option', { name: '练习：课堂练习（花的学校）' })).toBeInTheDocument();
    await userEvent.selectOptions(panel.getByRole('combobox', { name: '布置什么' }), 'exercise-set:set1');
    await userEvent.click(panel.getByRole('radio', { name: '选定的学生' }));
    await userEvent.click(panel.getByRole('checkbox', { name: '小明' }));
    await userEvent.fill(panel.getByLabelText('完成日期（可不填）'), '2026-12-20');
    await userEvent.click(panel.getByRole('button', { name: '布置' }));
    await expect.element(panel.getByRole('status')).toHaveTextContent('已布置：课堂练习');
    await expect.element(panel.getByRole('list', { name: '已布置的任务' })).toHaveTextContent('2026-12-20 前完成');
    const [a] = await db.assignments.toArray();
    expect(a).toMatchObject({ classId: klass.id, learnerIds: [ming!.id], kind: 'exercise-set', packId: 'cn.sample.chinese', targetId: 'set1', dueDate: '2026-12-20', title: { 'zh-CN': '课堂练习' } });
    expect(await db.outbox.where('table').equals('assignments').count()).toBe(1);
    await rendered.unmount();

    // 小明's home: the set, not started, links to its lesson; one right answer → progress 1 / 2.
    rendered = await renderApp(bridge, { path: '/student', services: { db } });
    await userEvent.click(page.getByRole('button', { name: '小明' }));
    const tasks = page.getByRole('region', { name: '我的任务' });
    await expect.element(tasks.getByRole('link', { name: '课堂练习' })).toHaveAttribute('href', '/lesson/cn.sample.chinese/c1');
    await expect.element(tasks).toHaveTextContent('还没开始');
    await act(async () => {
      await appendEvent(db, { learnerId: ming!.id, classId: klass.id, verb: 'answered', objectId: 'cn.sample.chinese/set1/q1', packId: 'cn.sample.chinese', result: { success: true } });
    });
    await expect.element(tasks).toHaveTextContent('做对 1 / 2');
    await act(async () => {
      await appendEvent(db, { learnerId: ming!.id, classId: klass.id, verb: 'mastered', objectId: 'cn.sample.chinese/set1', packId: 'cn.sample.chinese' });
    });
    await expect.element(tasks).toHaveTextContent('已掌握');

    // 小红 was not chosen: nothing for her.
    await userEvent.click(page.getByRole('button', { name: '换下一位同学' }));
    await userEvent.click(page.getByRole('button', { name: '小红' }));
    await expect.element(page.getByRole('region', { name: '我的任务' })).toHaveTextContent('现在没有任务');
    expect(hong).toBeDefined();
  });
});

describe('idle sign-out', () => {
  it('signs the child out and returns to the avatars after the idle time the teacher set', async () => {
    fakeTeacher();
    const db = freshDb();
    const klass = await createClass(db, { name: '一年级' });
    await addLearners(db, [{ classId: klass.id, name: '小明', avatar: 'panda' }]);
    await db.settings.put({ key: STUDENT_IDLE_SETTING, value: 1 }); // 1 s (the UI offers 60 s and up)
    rendered = await renderApp(new FakeBridge(base()), { path: '/student', services: { db } });
    await userEvent.click(page.getByRole('button', { name: '小明' }));
    await expect.element(page.getByRole('heading', { name: '你好，小明！' })).toBeVisible();
    await expect.element(page.getByRole('button', { name: '小明' }), { timeout: 5000 }).toBeVisible();
    expect(await readSignedInLearner(db)).toBeNull();
  });
});
