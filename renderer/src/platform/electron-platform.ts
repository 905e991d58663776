import { SHA256_HEX } from '../../../common/media/media';
import { BasePlatform } from './base-platform';

/**
 * Where the Electron main process serves content-store media (Range support, a scheme separate from
 * the app origin `app://teachpoint`): `MEDIA_URL_PREFIX` in electron/main/origins.ts, which the
 * browser layer may not import. Keep the two in step (the test below pins the value).
 */
export const ELECTRON_MEDIA_URL_PREFIX = 'tp-media://teachpoint/media/';

export class ElectronPlatform extends BasePlatform {
  readonly kind = 'electron' as const;

  mediaUrl(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return `${ELECTRON_MEDIA_URL_PREFIX}${sha256}`;
  }

  override supportsSafeModeSwitch(): boolean {
    return true;
  }

  override supportsQuitHandshake(): boolean {
    return true;
  }
}
