import type { RendererBridge } from '../bridge/types';

/**
 * One platform object, chosen once (element-web's BasePlatform / PlatformPeg). A few abstract
 * basics every platform answers, then capability probes that default to false: the UI asks the
 * probe before it shows a control, so a browser tab never offers an Electron-only switch.
 */
export abstract class BasePlatform {
  constructor(readonly bridge: RendererBridge) {}

  /** 'electron' inside the desktop shell, 'web' in a browser tab on the host's HTTP transport. */
  abstract readonly kind: 'electron' | 'web';

  /** URL the page can put in <video src>/<img src>/fetch for a blob of the content store. */
  abstract mediaUrl(sha256: string): string;

  /** Reload the page (after a schema upgrade in another window, a language change …). */
  reload(): void {
    window.location.reload();
  }

  /** GPU on/off switch that applies at the next start (Electron only: a browser has its own). */
  supportsSafeModeSwitch(): boolean {
    return false;
  }

  /** The shell asks before quitting so pending writes can be flushed (app.willQuit → app.flushed). */
  supportsQuitHandshake(): boolean {
    return false;
  }

  /** Whether the machine can read USB sticks for us (the host watches drives in both shells today). */
  supportsRemovableDrives(): boolean {
    return true;
  }
}
