import { SHA256_HEX } from '../../../common/media/media';
import { BasePlatform } from './base-platform';
import type { RendererBridge } from '../bridge/types';

/** A browser tab on the host's HTTP transport (dev, kiosk browsers, e2e tests). */
export class WebPlatform extends BasePlatform {
  readonly kind = 'web' as const;

  constructor(
    bridge: RendererBridge,
    private readonly token: string | null,
    private readonly baseUrl = '',
  ) {
    super(bridge);
  }

  /** `/media/<sha256>?token=…` — <video>/<img> cannot send an Authorization header. */
  mediaUrl(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    const query = this.token ? `?token=${encodeURIComponent(this.token)}` : '';
    return `${this.baseUrl}/media/${sha256}${query}`;
  }
}
