import type { PackLibrary } from '../../../content-packs/device/pack-library';
import { loadTrust } from '../../../content-packs/import/open-verified';
import { storePulledTrust } from '../../../content-packs/import/pulled-trust';
import type { HostContext, HostFeature } from '../context';
import { DownloadQueue, type DownloadQueueOptions } from '../downloads/download-queue';
import { readSyncCredentials } from '../sync/credentials';

export type DownloadsMethod = 'downloads.start' | 'downloads.list' | 'downloads.cancel' | 'downloads.setBandwidth' | 'downloads.addTrust';

/**
 * Bridge side of cloud pack downloads (docs/downloads.md): `downloads.*` handlers over the host's
 * persisted DownloadQueue, `downloads.progress` events. Unfinished downloads resume when the host
 * starts. Credentials come from `<data>/sync/credentials.json`; trust from the same roots and
 * revocations a USB import uses, plus what pull brings through `downloads.addTrust`
 * (content-packs/import/pulled-trust.ts: kept only when the roots signed it).
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
      'downloads.addTrust': async ({ documents }) => {
        const r = await storePulledTrust(ctx.dataDir, documents, await loadTrust(ctx.dataDir, options.trustedRootFiles ?? []));
        return { stored: r.stored, removed: r.removed, refused: r.refused.map((x) => ({ id: x.id, codes: x.problems.map((p) => p.code) })) };
      },
    },
    dispose: () => queue.dispose(),
  };
}
