import type { Material, MaterialKind } from '../../../common/bridge/methods/materials';
import { COURSEWARE_URL_PREFIX, MEDIA_URL_PREFIX } from '../../../common/origins';
import { SHA256_HEX } from '../../../common/media/media';
import { getPreloadApi } from '../bridge/ipc-bridge';
import { BasePlatform, encodeEntryPath } from './base-platform';

/** The desktop shell: media on `tp-media://teachpoint/…` (common/origins.ts), files through the native dialog. */
export class ElectronPlatform extends BasePlatform {
  readonly kind = 'electron' as const;

  mediaUrl(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return `${MEDIA_URL_PREFIX}${sha256}`;
  }

  coursewareUrl(sha256: string, entry: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return `${COURSEWARE_URL_PREFIX}${sha256}/${encodeEntryPath(entry)}`;
  }

  override supportsSafeModeSwitch(): boolean {
    return true;
  }

  override supportsQuitHandshake(): boolean {
    return true;
  }

  override supportsFilePicker(): boolean {
    return typeof getPreloadApi()?.pickFiles === 'function';
  }

  override async pickFiles(kinds: MaterialKind[]): Promise<string[]> {
    const api = getPreloadApi();
    if (!api?.pickFiles) throw new Error('pickFiles is not available in this shell');
    return api.pickFiles({ kinds, multiple: true });
  }

  // Electron adds by path (materials.add); a dropped/picked File has no path in a sandboxed renderer.
  override uploadMaterial(_file: File): Promise<Material> {
    return Promise.reject(new Error('use pickFiles in the desktop app'));
  }
}
