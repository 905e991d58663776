import type { PackLibrary } from '../../../content-packs/device/pack-library';
import { importInbound, scanInbound } from '../bundles/inbound';
import { ProgressExporter } from '../bundles/progress-export';
import type { HostContext, HostFeature } from '../context';

export type BundlesMethod =
  | 'bundles.progressBegin'
  | 'bundles.progressAppend'
  | 'bundles.progressFinish'
  | 'bundles.progressAbort'
  | 'bundles.scanInbound'
  | 'bundles.importInbound';

/** Bridge side of USB bundles (electron/host/bundles): progress export to a stick, inbound import from one. */
export function createBundlesFeature(ctx: HostContext, options: { library: PackLibrary; trustedRootFiles?: readonly string[] }): HostFeature<BundlesMethod> {
  const exporter = new ProgressExporter(ctx.dataDir, { appVersion: ctx.appVersion });
  const inbound = { dataDir: ctx.dataDir, library: options.library, ...(options.trustedRootFiles ? { trustedRootFiles: options.trustedRootFiles } : {}) };
  return {
    handlers: {
      'bundles.progressBegin': ({ toDir, batches, items }) => exporter.begin(toDir, batches, items),
      'bundles.progressAppend': ({ exportId, batches }) => exporter.append(exportId, batches),
      'bundles.progressFinish': ({ exportId, outboxIds }) => exporter.finish(exportId, outboxIds),
      'bundles.progressAbort': async ({ exportId }) => ({ aborted: await exporter.abort(exportId) }),
      'bundles.scanInbound': ({ dir }) => scanInbound(dir, inbound),
      'bundles.importInbound': ({ path }) => importInbound(path, inbound),
    },
    dispose: () => exporter.dispose(),
  };
}
