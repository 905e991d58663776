import { SHA256_HEX } from '../../../common/media/media';
import { BasePlatform } from './base-platform';

/**
 * Scheme the Electron main process registers for content-store media (Range support, separate
 * from the app origin `app://teachpoint`). Keep in step with electron/main.
 */
export const ELECTRON_MEDIA_ORIGIN = 'teachpoint-media://media';

export class ElectronPlatform extends BasePlatform {
  readonly kind = 'electron' as const;

  mediaUrl(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return `${ELECTRON_MEDIA_ORIGIN}/${sha256}`;
  }

  override supportsSafeModeSwitch(): boolean {
    return true;
  }

  override supportsQuitHandshake(): boolean {
    return true;
  }
}
