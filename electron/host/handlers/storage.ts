import { diskFree, type DiskSpace } from '../../../content-packs/store/disk-space';
import type { HostContext, HostFeature } from '../context';
import { bytesUnder } from '../dir-size';

export interface StorageFeatureOptions {
  /** Seam for tests; default: the content store's portable diskFree (df / PowerShell / wmic). */
  diskSpace?: (path: string) => Promise<DiskSpace>;
}

/** storage.usage: free/total bytes of the data dir's disk plus what TeachPoint uses under it. */
export function createStorageFeature(ctx: HostContext, options: StorageFeatureOptions = {}): HostFeature<'storage.usage'> {
  const measure = options.diskSpace ?? ((p: string) => diskFree(p));
  return {
    handlers: {
      'storage.usage': async () => {
        const [space, usedByAppBytes] = await Promise.all([measure(ctx.dataDir), bytesUnder(ctx.dataDir)]);
        return { dataDir: ctx.dataDir, totalBytes: space.totalBytes, freeBytes: space.freeBytes, usedByAppBytes };
      },
    },
    async dispose() {},
  };
}
