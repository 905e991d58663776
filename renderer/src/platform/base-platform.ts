import type { MaterialKind, Material } from '../../../common/bridge/methods/materials';
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

  /**
   * URL of one entry of an HTML5 courseware zip (served under a sandboxing CSP, its own prefix);
   * `entry` is the zip entry name (e.g. `index.html`, `unit 1/start.html`), encoded per segment here.
   */
  abstract coursewareUrl(sha256: string, entry: string): string;

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

  /** A native file dialog that yields paths for `materials.add` (Electron). */
  supportsFilePicker(): boolean {
    return false;
  }

  /** Paths the teacher picked ([] when cancelled). Only when supportsFilePicker(). */
  pickFiles(_kinds: MaterialKind[]): Promise<string[]> {
    return Promise.reject(new Error('pickFiles is not supported on this platform'));
  }

  /** Files from an <input type=file> streamed to the host (the HTTP transport's upload route). */
  supportsUpload(): boolean {
    return false;
  }

  /** Upload one file into 我的资料. Only when supportsUpload(). */
  uploadMaterial(_file: File, _title?: string): Promise<Material> {
    return Promise.reject(new Error('upload is not supported on this platform'));
  }
}

/** `a b/c.html` → `a%20b/c.html`: each path segment encoded, slashes kept. */
export function encodeEntryPath(entry: string): string {
  return entry
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}
