import type { BridgeHandlers } from '../../common/bridge/contract';
import { readSettingsSync } from '../host/settings';

/**
 * Safe mode (GPU off) must be known before `app` is ready — `disableHardwareAcceleration()` has
 * no effect later — so the settings file is read synchronously here.
 */
export function readSafeModeSync(dataDir: string): boolean {
  return readSettingsSync(dataDir).safeMode;
}

type SetSafeMode = BridgeHandlers['app.setSafeMode'];

/**
 * Wraps the host's `app.setSafeMode` (which persists the switch through settings.ts): when the
 * change needs a restart, offer it. The prompt runs after the answer is returned, never blocking it.
 */
export function withRelaunchPrompt(setSafeMode: SetSafeMode, promptRelaunch: (enabled: boolean) => void): SetSafeMode {
  return async (request) => {
    const result = await setSafeMode(request);
    if (result.restartRequired) setTimeout(() => promptRelaunch(result.safeMode), 0);
    return result;
  };
}

export interface RelaunchDialog {
  showMessageBox(options: { type: 'question'; buttons: string[]; defaultId: number; cancelId: number; title: string; message: string; detail: string }): Promise<{ response: number }>;
}

export interface RelaunchApp {
  relaunch(): void;
  quit(): void;
}

/** "Restart now?" — restarting goes through app.quit(), so the quit handshake still lets the renderer flush. */
export async function promptRelaunch(dialog: RelaunchDialog, app: RelaunchApp, enabled: boolean): Promise<boolean> {
  const { response } = await dialog.showMessageBox({
    type: 'question',
    buttons: ['立即重启 / Restart now', '稍后 / Later'],
    defaultId: 0,
    cancelId: 1,
    title: '教学点课堂 TeachPoint',
    message: enabled ? '安全模式将在重启后生效。/ Safe mode takes effect after a restart.' : '重启后将退出安全模式。/ Safe mode ends after a restart.',
    detail: enabled
      ? '安全模式关闭显卡加速，适合显示异常的旧电脑。/ Safe mode turns off graphics acceleration, for old PCs with display problems.'
      : '重启后将重新使用显卡加速。/ Graphics acceleration will be used again after the restart.',
  });
  if (response !== 0) return false;
  app.relaunch();
  app.quit();
  return true;
}
