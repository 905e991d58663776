// Teacher mode and people on the real host over HTTP in Debian Chromium: a student page cannot
// remove packs or touch 我的资料 even by calling the bridge itself; the teacher's class page and the
// student avatar page at 1024×768 (screenshots people-*.png).
import { expect, test, type Page } from '@playwright/test';
import { e2eState, screenshotPath } from './app';
import { unlockTeacher } from './teacher';

const state = e2eState();
const CLASS = '三年级（1）班';
const NAMES = ['周小雨', '吴天天', '郑乐乐'];

test.use({ viewport: { width: 1024, height: 768 } });

/** A bridge call from inside the page with the page's own bridge token (what a curious student could do). */
async function callFromPage(page: Page, method: string, payload: unknown) {
  return page.evaluate(
    async ({ method, payload }) => {
      const token = sessionStorage.getItem('teachpoint.bridgeToken');
      const res = await fetch(`/api/bridge/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
      return { status: res.status, body: (await res.json()) as { ok: boolean; error?: { code: string; message: { zh: string } } } };
    },
    { method, payload },
  );
}

test('a student page cannot remove packs or 我的资料 through the bridge; the teacher can reach them', async ({ page }) => {
  await page.goto(state.appUrl);
  for (const [method, payload] of [
    ['packs.remove', { id: 'cn.teachpoint.sample.math-g1-up' }],
    ['packs.export', { ids: ['cn.teachpoint.sample.math-g1-up'], toDir: state.stickDir }],
    ['materials.remove', { id: 'whatever' }],
    ['packs.remove', { id: 'x', teacherSession: 'made-up-session-token-0123456789' }],
  ] as const) {
    const r = await callFromPage(page, method, payload);
    expect(r.status, method).toBe(422);
    expect(r.body.error?.code, method).toBe('teacher.locked');
    expect(r.body.error?.message.zh).toContain('教师模式');
  }
  // The upload route too, before any byte is stored.
  const upload = await page.evaluate(async () => {
    const token = sessionStorage.getItem('teachpoint.bridgeToken');
    const res = await fetch('/api/materials/upload?name=a.png', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(10) });
    return { status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code };
  });
  expect(upload).toEqual({ status: 422, code: 'teacher.locked' });

  // Teacher mode: the session from the PIN lets the same call through to the feature.
  await unlockTeacher(page);
  const session = await page.evaluate(() => sessionStorage.getItem('teachpoint.teacherSession'));
  const r = await callFromPage(page, 'materials.remove', { id: 'no-such-material', teacherSession: session });
  expect(r.body.error?.code).toBe('materials.unknown'); // past the guard: the feature answers (no such material)
});

test('teacher: class by paste with avatars; student: avatar tiles, sign in, own home, next child (screenshots at 1024×768)', async ({ page }) => {
  await unlockTeacher(page);
  await page.getByLabel('班级名称').fill(CLASS);
  await page.getByLabel('年级（可不填）').fill('三年级');
  await page.getByRole('button', { name: '新建班级' }).click();
  await expect(page.getByRole('heading', { name: new RegExp(`^${CLASS.replace(/[()（）]/g, '.')}`) })).toBeVisible();
  await page.getByRole('button', { name: '粘贴名单' }).click();
  await page.getByLabel(/粘贴学生名单/).fill(`${NAMES.join('\n')}\n${NAMES[0]}\n`);
  await expect(page.getByText(`重复的名字已跳过：${NAMES[0]}`)).toBeVisible();
  await page.getByRole('button', { name: `添加 ${NAMES.length} 名学生` }).click();
  const list = page.getByRole('list', { name: `${CLASS}的学生` });
  for (const n of NAMES) await expect(list.getByRole('listitem', { name: n })).toBeVisible();
  await page.getByRole('button', { name: '一个一个添加' }).click();
  await page.screenshot({ path: screenshotPath('people-teacher-class-zh-CN.png'), fullPage: true });

  // Leave teacher mode: the student screen never shows teacher controls.
  await page.getByRole('button', { name: '退出教师模式' }).click();
  await page.goto(`${state.origin}/#/student`);
  const tabs = page.getByRole('group', { name: '选择你的班级' });
  if (await tabs.isVisible().catch(() => false)) await tabs.getByRole('button', { name: CLASS }).click();
  const tiles = page.getByRole('list', { name: `${CLASS}的学生` });
  for (const n of NAMES) await expect(tiles.getByRole('button', { name: n })).toBeVisible();
  // Every avatar is drawn (inline SVG, no emoji font needed).
  expect(await tiles.locator('svg.avatar').count()).toBe(NAMES.length);
  await page.screenshot({ path: screenshotPath('people-student-avatars-zh-CN.png') });

  await tiles.getByRole('button', { name: NAMES[1] }).click();
  await expect(page.getByRole('heading', { level: 1, name: `你好，${NAMES[1]}！` })).toBeVisible();
  await page.screenshot({ path: screenshotPath('people-student-home-zh-CN.png') });
  await page.getByRole('button', { name: '换下一位同学' }).click();
  await expect(tiles.getByRole('button', { name: NAMES[0] })).toBeVisible();

  // Teacher controls stay hidden on the library while locked.
  await page.goto(`${state.origin}/#/`);
  await expect(page.getByRole('heading', { level: 1, name: '资源库' })).toBeVisible();
  await expect(page.getByRole('button', { name: '确定删除' })).toHaveCount(0);
});
