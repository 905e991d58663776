import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readSettings, writeSettings } from '../host/settings';
import { promptRelaunch, readSafeModeSync, withRelaunchPrompt } from './safe-mode';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tp-safe-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.useRealTimers();
});

describe('readSafeModeSync', () => {
  it('agrees with settings.ts for what writeSettings wrote', async () => {
    const dir = tempDir();
    expect(readSafeModeSync(dir)).toBe(false);
    await writeSettings(dir, { safeMode: true });
    expect(readSafeModeSync(dir)).toBe(true);
    expect((await readSettings(dir)).safeMode).toBe(true);
    await writeSettings(dir, { safeMode: false });
    expect(readSafeModeSync(dir)).toBe(false);
  });

  it.each(['{not json', '"true"', '{"safeMode":"yes"}', 'null', '[]'])('falls back to off for %s', (text) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'settings.json'), text);
    expect(readSafeModeSync(dir)).toBe(false);
  });
});

describe('withRelaunchPrompt', () => {
  it('offers a restart only when the change needs one, after answering', async () => {
    vi.useFakeTimers();
    const prompt = vi.fn();
    const inner = vi.fn(async ({ enabled }: { enabled: boolean }) => ({ safeMode: enabled, restartRequired: enabled }));
    const handler = withRelaunchPrompt(inner, prompt);
    expect(await handler({ enabled: false })).toEqual({ safeMode: false, restartRequired: false });
    expect(await handler({ enabled: true })).toEqual({ safeMode: true, restartRequired: true });
    expect(prompt).not.toHaveBeenCalled(); // not before the reply went out
    vi.runAllTimers();
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(prompt).toHaveBeenCalledWith(true);
  });
});

describe('promptRelaunch', () => {
  it('relaunches through app.quit() (so the quit handshake runs) when the user agrees', async () => {
    const app = { relaunch: vi.fn(), quit: vi.fn() };
    const dialog = { showMessageBox: vi.fn(async () => ({ response: 0 })) };
    expect(await promptRelaunch(dialog, app, true)).toBe(true);
    expect(app.relaunch).toHaveBeenCalled();
    expect(app.quit).toHaveBeenCalled();
    const options = dialog.showMessageBox.mock.calls[0] as unknown as [{ message: string; buttons: string[] }];
    expect(options[0].message).toMatch(/安全模式/);
    expect(options[0].buttons[0]).toMatch(/Restart/);
  });

  it('does nothing when the user picks "later"', async () => {
    const app = { relaunch: vi.fn(), quit: vi.fn() };
    expect(await promptRelaunch({ showMessageBox: async () => ({ response: 1 }) }, app, false)).toBe(false);
    expect(app.relaunch).not.toHaveBeenCalled();
    expect(app.quit).not.toHaveBeenCalled();
  });
});
