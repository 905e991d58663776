// Journey 4 (DESIGN §1, issue 7 item 11): with no cloud and no internet, a teacher sets a PIN,
// imports a sample pack, creates a class by pasting 5 names and assigns an exercise set; two
// children take turns on the same PC — one reaches mastery, one does not; the teacher's report
// shows both correctly and its CSV export parses back with the right numbers.
//
// No cloud process runs (global-setup starts only the device host). Every request the page makes
// to anything but the device's own host is aborted and counted, and the count must be 0 — not
// context.setOffline(), which would also cut loopback.
//
// The file name sorts after sample-import.spec.ts on purpose: that spec expects the math sample
// pack not to be installed yet; this one imports it only when it is missing.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { parseCsv } from '../../renderer/src/features/reports/csv';
import { e2eState, screenshotPath } from './app';
import { unlockTeacher } from './teacher';
import { prerequisite } from '../lib/prerequisites';

const state = e2eState();
const PACK_TITLE = '一年级数学（上册）准备课 · 示例';
const SET_TITLE = '比多少 练习';
const CLASS_NAME = '一二年级复式班';
const NAMES = ['王小明', '李小红', '张伟', '刘洋', '陈静'];
test.use({ viewport: { width: 1024, height: 768 } });

async function shot(page: Page, name: string) {
  await page.screenshot({ path: screenshotPath(name) });
}

/** A child at the shared PC: 学生 → class → own avatar. */
async function signInChild(page: Page, name: string) {
  await page.goto(`${state.origin}/#/student`);
  const classTabs = page.getByRole('group', { name: '选择你的班级' });
  if (await classTabs.isVisible().catch(() => false)) await classTabs.getByRole('button', { name: new RegExp(CLASS_NAME) }).click();
  await page.getByRole('list', { name: `${CLASS_NAME}的学生` }).getByRole('button', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name: `你好，${name}！` })).toBeVisible();
}

/** `#/lesson/<pack>/<lesson>` of the assigned set's lesson, seen when a child opens it. */
let lessonHash = '';

/** From the child's home: open the assigned set's lesson and the set in it. */
async function openAssignedSet(page: Page) {
  await page.getByRole('link', { name: SET_TITLE }).click();
  await expect(page).toHaveURL(/#\/lesson\//);
  lessonHash = new URL(page.url()).hash;
  await page.getByRole('list', { name: '本课资源' }).getByRole('button', { name: new RegExp(SET_TITLE) }).click();
  const runner = page.getByRole('region', { name: '练习题' });
  await expect(runner.getByTestId('exercise-learner')).toBeVisible();
  return runner;
}

test.describe('journey 4: children take turns, earn mastery; the teacher sees it (no cloud, no internet)', () => {
  const missing = prerequisite(state.samplePacks.length > 0, 'sample packs (nothing to assign)', 'run `npm run samples` before the e2e tests');
  test.skip(missing !== null, missing ?? '');

  test('PIN, class by paste, assignment, two children, report and CSV — 0 requests leave the device', async ({ page, context }) => {
    test.setTimeout(180_000);
    const offDevice: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (new URL(url).origin === state.origin) return route.continue();
      offDevice.push(url);
      return route.abort('internetdisconnected');
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));

    await page.goto(state.appUrl);
    // ---- Teacher: PIN, pack, class, learners, assignment ----
    await unlockTeacher(page);

    await page.goto(`${state.origin}/#/`);
    const stick = page.getByRole('article', { name: /U 盘：示例资源包 Sample packs/ });
    const packRow = stick.getByRole('listitem', { name: PACK_TITLE });
    await expect(packRow).toBeVisible();
    const importButton = packRow.getByRole('button', { name: '导入' });
    if (await importButton.isVisible()) {
      await importButton.click();
      await expect(page.getByText(`导入完成：${PACK_TITLE}（版本 1）。`)).toBeVisible();
    }
    await expect(packRow).toContainText('已安装');

    await page.goto(`${state.origin}/#/teacher`);
    const newClass = page.getByRole('form', { name: '新建班级' });
    await newClass.getByLabel('班级名称').fill(CLASS_NAME);
    await newClass.getByLabel('年级（可不填）').fill('一、二年级');
    await newClass.getByRole('button', { name: '新建班级' }).click();
    await expect(page.locator('#class-detail-title')).toContainText(CLASS_NAME);
    await page.getByRole('group', { name: '添加学生' }).getByRole('button', { name: '粘贴名单' }).click();
    // Pasted from an Excel column: a header row, CRLF line ends, a blank line.
    await page.getByLabel(/粘贴学生名单/).fill(`姓名\r\n${NAMES.join('\r\n')}\r\n\r\n`);
    await page.getByRole('button', { name: '添加 5 名学生' }).click();
    const roster = page.getByRole('list', { name: `${CLASS_NAME}的学生` });
    for (const n of NAMES) await expect(roster.getByRole('listitem', { name: n })).toBeVisible();
    await expect(page.locator('#class-detail-title')).toContainText('（5 名学生）');

    const assign = page.locator('section[aria-labelledby="assign-title"]');
    const packPick = assign.getByLabel('资源包');
    if (await packPick.isVisible().catch(() => false)) await packPick.selectOption({ label: PACK_TITLE });
    const what = assign.getByLabel('布置什么');
    const option = what.locator('option', { hasText: SET_TITLE }).first();
    await expect(option).toBeAttached();
    await what.selectOption({ label: (await option.textContent())! });
    await assign.getByRole('button', { name: '布置' }).click();
    await expect(assign.getByRole('list', { name: '已布置的任务' })).toContainText(SET_TITLE);
    await shot(page, 'teacher-class-zh-CN.png');
    await page.getByRole('button', { name: '退出教师模式' }).click();

    // ---- Child 1 (王小明): reaches mastery (3 right in a row at the first try) ----
    await signInChild(page, '王小明');
    await shot(page, 'student-home-zh-CN.png');
    let runner = await openAssignedSet(page);
    await expect(runner.getByTestId('exercise-learner')).toHaveText('当前学生：王小明', { timeout: 45_000 }); // strict-durability writes can be slow on a loaded disk
    // q1 has its picture; answered right.
    const picture = runner.getByRole('img', { name: '题目配图' });
    await expect(picture).toBeVisible();
    await expect(picture).toHaveAttribute('src', /^\/media\/[0-9a-f]{64}\?token=/);
    await expect.poll(() => picture.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0))).toBeGreaterThan(0);
    await shot(page, 'exercise-zh-CN.png');
    await runner.getByRole('radio', { name: '苹果多' }).click();
    await runner.getByRole('button', { name: '提交答案' }).click();
    await expect(runner.getByRole('status')).toContainText('回答正确！');
    await expect(runner.getByRole('status')).toContainText('讲解：苹果有 5 个');
    await runner.getByRole('button', { name: '下一题' }).click();
    // q2 (true/false) has an audio prompt.
    await expect(runner.getByRole('button', { name: '听题目' })).toBeVisible();
    await runner.getByRole('radio', { name: '对' }).click();
    await runner.getByRole('button', { name: '提交答案' }).click();
    await expect(runner.getByRole('status')).toContainText('回答正确！');
    await runner.getByRole('button', { name: '下一题' }).click();
    // q3 numeric: the third in a row → mastered.
    await runner.getByRole('textbox', { name: '你的答案' }).fill('3');
    await runner.getByRole('button', { name: '提交答案' }).click();
    await expect(runner.getByTestId('exercise-mastered')).toHaveText('已掌握');
    await runner.getByRole('button', { name: '下一题' }).click();
    await runner.getByRole('textbox', { name: '你的答案' }).fill('３'); // full-width digit counts
    await runner.getByRole('button', { name: '提交答案' }).click();
    await expect(runner.getByRole('status')).toContainText('回答正确！');
    await runner.getByRole('button', { name: '下一题' }).click();
    await runner.getByRole('button', { name: '上移 6 个' }).click();
    await runner.getByRole('button', { name: '提交答案' }).click();
    await expect(runner.getByRole('status')).toContainText('回答正确！');
    await runner.getByRole('button', { name: '下一题' }).click();
    await runner.getByRole('checkbox', { name: '2 只鸭和 2 条鱼' }).click();
    await runner.getByRole('checkbox', { name: '5 支笔和 5 本书' }).click();
    await runner.getByRole('button', { name: '提交答案' }).click();
    await expect(runner.getByRole('status')).toContainText('回答正确！');
    await runner.getByRole('button', { name: '查看结果' }).click();
    const summary = runner.getByTestId('exercise-summary');
    await expect(summary).toContainText('这一次：答对 6 题，共 6 题。');
    await expect(summary).toContainText('你已经掌握了这组练习');
    await shot(page, 'exercise-mastered-zh-CN.png');
    // Her home shows it as mastered.
    await page.goto(`${state.origin}/#/student`);
    await expect(page.locator('.my-assignment', { hasText: SET_TITLE })).toContainText('已掌握');
    await page.getByRole('button', { name: '换下一位同学' }).click();

    // ---- Child 2 (李小红): three wrong first tries, then leaves — not mastered ----
    await signInChild(page, '李小红');
    await expect(page.locator('.my-assignment', { hasText: SET_TITLE })).toContainText('还没开始');
    runner = await openAssignedSet(page);
    await expect(runner.getByTestId('exercise-learner')).toHaveText('当前学生：李小红', { timeout: 45_000 });
    await expect(runner.getByTestId('exercise-mastered')).toHaveCount(0); // 王小明's mastery is not hers
    await runner.getByRole('radio', { name: '梨多' }).click();
    await runner.getByRole('button', { name: '提交答案' }).click();
    await expect(runner.getByRole('status')).toContainText('不对，再想一想。');
    await expect(runner.getByRole('status')).not.toContainText('讲解');
    await shot(page, 'exercise-wrong-zh-CN.png');
    await runner.getByRole('button', { name: '看讲解' }).click();
    await expect(runner.getByRole('status')).toContainText('讲解：苹果有 5 个');
    await runner.getByRole('button', { name: '下一题' }).click();
    await runner.getByRole('radio', { name: '错' }).click();
    await runner.getByRole('button', { name: '提交答案' }).click();
    await expect(runner.getByRole('status')).toContainText('不对');
    await runner.getByRole('button', { name: '看讲解' }).click();
    await runner.getByRole('button', { name: '下一题' }).click();
    await runner.getByRole('textbox', { name: '你的答案' }).fill('5');
    await runner.getByRole('button', { name: '提交答案' }).click();
    await expect(runner.getByRole('status')).toContainText('不对');
    await expect(runner.getByTestId('exercise-saved')).toBeVisible();
    await page.goto(`${state.origin}/#/student`);
    await expect(page.locator('.my-assignment', { hasText: SET_TITLE })).not.toContainText('已掌握');
    await page.getByRole('button', { name: '换下一位同学' }).click();

    // ---- Teacher: the report ----
    await unlockTeacher(page);
    await page.getByRole('link', { name: '学习报告' }).click();
    const grid = page.getByTestId('report-grid');
    await expect(grid).toBeVisible();
    await expect(grid.locator('tr[data-learner="王小明"]')).toContainText('已掌握');
    await expect(grid.locator('tr[data-learner="李小红"]')).toContainText('进行中：正确率 0%，作答 3 次');
    for (const n of ['张伟', '刘洋', '陈静']) await expect(grid.locator(`tr[data-learner="${n}"]`)).toContainText('未开始');
    const setCard = page.getByTestId('report-set').filter({ hasText: SET_TITLE });
    await expect(setCard.getByTestId('set-mastered')).toHaveText('王小明');
    await expect(setCard.getByTestId('set-in-progress')).toHaveText('李小红');
    await expect(setCard.getByTestId('set-not-started')).toHaveText(/张伟|刘洋|陈静/);
    await expect(page.getByTestId('reports-summary')).toContainText('学生 5 人 · 练习 1 组 · 共作答 9 次 · 正确率 67%');
    await shot(page, 'report-zh-CN.png');
    // The printable view: no app header or buttons, a title with the class and date, item tables open.
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('button', { name: '导出表格（CSV）' })).toBeHidden();
    await expect(page.getByRole('banner')).toBeHidden();
    await expect(page.getByRole('status', { name: '同步状态' })).toBeHidden();
    await expect(page.locator('.reports-print-title')).toContainText(`${CLASS_NAME} 学习报告`);
    await shot(page, 'report-print-zh-CN.png');
    await page.emulateMedia({ media: 'screen' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出表格（CSV）' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^学习报告-${CLASS_NAME}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.includes('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(['班级', '学生', '练习', '状态', '作答次数', '答对次数', '正确率(%)', '用时(分钟)', '最近作答']);
    expect(rows).toHaveLength(6);
    const byName = new Map(rows.slice(1).map((r) => [r[1]!, r]));
    expect(byName.get('王小明')!.slice(0, 7)).toEqual([CLASS_NAME, '王小明', SET_TITLE, '已掌握', '6', '6', '100']);
    expect(byName.get('李小红')!.slice(0, 7)).toEqual([CLASS_NAME, '李小红', SET_TITLE, '进行中', '3', '0', '0']);
    for (const n of ['张伟', '刘洋', '陈静']) expect(byName.get(n)!.slice(3, 7)).toEqual(['未开始', '0', '0', '']);

    // ---- Teacher: the same lesson on the projector in class mode (keys of a presenter remote) ----
    await page.goto(`${state.origin}/${lessonHash}`);
    await expect(page.getByRole('heading', { level: 1, name: /比多少/ })).toBeVisible();
    // Start from the lesson's first resource (the page reopens the last one shown: the exercise set).
    await page.getByRole('list', { name: '本课资源' }).getByRole('button').first().click();
    await page.locator('body').click({ position: { x: 5, y: 400 } }); // focus off the button so keys reach the page
    await page.keyboard.press('f');
    const bar = page.getByRole('toolbar', { name: '课堂模式' });
    await expect(bar).toBeVisible();
    const where = page.getByTestId('class-item');
    const position = async () => /(\d+) \/ (\d+)/.exec((await where.textContent()) ?? '')?.slice(1).map(Number) ?? [];
    const [first, total] = await position();
    expect(first).toBe(1);
    expect(total).toBeGreaterThanOrEqual(3);
    await page.keyboard.press('PageDown');
    await expect.poll(position).toEqual([first! + 1, total]);
    await page.keyboard.press('ArrowRight');
    await expect.poll(position).toEqual([first! + 2, total]);
    await page.keyboard.press('PageUp');
    await expect.poll(position).toEqual([first! + 1, total]);
    await page.keyboard.press('b');
    await expect(page.getByTestId('class-black')).toBeVisible();
    const blackFill = await page.getByTestId('class-black').evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { w: r.width, h: r.height, bg: getComputedStyle(el).backgroundColor };
    });
    expect(blackFill).toEqual({ w: 1024, h: 768, bg: 'rgb(0, 0, 0)' });
    await shot(page, 'class-mode-black-zh-CN.png');
    await page.keyboard.press('b');
    await expect(page.getByTestId('class-black')).toHaveCount(0);
    await shot(page, 'class-mode-zh-CN.png');
    await page.keyboard.press('Escape');
    await expect(bar).toHaveCount(0);

    expect(pageErrors).toEqual([]);
    expect(offDevice, 'requests that tried to leave the device').toEqual([]);
  });
});
