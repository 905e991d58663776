import { expect, type Page } from '@playwright/test';
import { e2eState } from './app';

/**
 * The e2e teacher PIN. The host keeps one PIN per data dir and every spec shares one host, so every
 * spec must use this one (whichever runs first sets it).
 */
export const E2E_PIN = '246810';

/** Read once, like the specs do (the state file names the host this run started). */
const state = e2eState();

/**
 * Teacher mode in this page (the session lives in the tab's sessionStorage, so once per test):
 * opens 教师, sets the PIN on first use or enters it, and waits for teacher mode. Leaves the page on
 * the teacher screen. `host`: a spec's own host (default: the shared one).
 */
export async function unlockTeacher(page: Page, host: { origin: string; appUrl: string } = state): Promise<void> {
  const { origin, appUrl } = host;
  if (!page.url().startsWith(origin)) await page.goto(appUrl);
  await page.goto(`${origin}/#/teacher`);
  const heading = page.locator('#pin-title');
  const unlocked = page.getByRole('button', { name: '退出教师模式' });
  await expect(heading.or(unlocked)).toBeVisible();
  if (await unlocked.isVisible()) return;
  if ((await heading.textContent())?.includes('第一次使用')) {
    await page.getByRole('textbox', { name: '新密码（4–8 位数字）' }).fill(E2E_PIN);
    await page.getByRole('textbox', { name: '再输入一次' }).fill(E2E_PIN);
    await page.getByRole('button', { name: '设置密码并进入' }).click();
  } else {
    await page.getByRole('textbox', { name: '教师密码', exact: true }).fill(E2E_PIN);
    await page.getByRole('button', { name: '进入教师模式' }).click();
  }
  await expect(unlocked).toBeVisible();
}
