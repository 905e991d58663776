import type { PackLibrary } from '../../../content-packs/device/pack-library';
import { loadTrust } from '../../../content-packs/import/open-verified';
import type { HostContext, HostFeature } from '../context';
import { DownloadQueue, type DownloadQueueOptions } from '../downloads/download-queue';
import { readSyncCredentials } from '../sync/credentials';

export type DownloadsMethod = 'downloads.start' | 'downloads.list' | 'downloads.cancel' | 'downloads.setBandwidth';

/**
 * Bridge side of cloud pack downloads (docs/downloads.md): `downloads.*` handlers over the host's
 * persisted DownloadQueue, `downloads.progress` events. Unfinished downloads resume when the host
 * starts. Credentials come from `<data>/sync/credentials.json`; trust from the same roots and
 * revocations a USB import uses.
 */
export function createDownloadsFeature(
  ctx: HostContext,
  library: PackLibrary,
  options: { trustedRootFiles?: readonly string[]; log?: (msg: string) => void } & Partial<Omit<DownloadQueueOptions, 'library' | 'onProgress'>> = {},
): HostFeature<DownloadsMethod> & { queue: DownloadQueue } {
  const queue = new DownloadQueue({
    library,
    credentials: async () => {
      const c = await readSyncCredentials(ctx.dataDir);
      return c ? { cloudUrl: c.cloudUrl, token: c.token } : null;
    },
    trust: () => loadTrust(ctx.dataDir, options.trustedRootFiles ?? []),
    onProgress: (state) => ctx.events.emit('downloads.progress', state),
    ...options,
  });
  void queue.resume().catch((err: unknown) => options.log?.(`[downloads] resume failed: ${String(err)}`));
  return {
    queue,
    handlers: {
      'downloads.start': (request) => queue.start(request),
      'downloads.list': () => queue.list(),
      'downloads.cancel': async (key) => ({ cancelled: await queue.cancel(key) }),
      'downloads.setBandwidth': async ({ bytesPerSecond }) => {
        queue.setBandwidth(bytesPerSecond);
        return { bytesPerSecond };
      },
    },
    dispose: () => queue.dispose(),
  };
}
