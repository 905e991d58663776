import { PackLibrary } from '../../../content-packs/device/pack-library';
import type { HostContext, HostFeature } from '../context';

export type PacksMethod = 'packs.list' | 'packs.import' | 'packs.cancelImport' | 'packs.remove' | 'packs.export';

/**
 * Bridge side of the pack library: `packs.*` handlers, `packs.importProgress`/`packs.changed`
 * events, and the content store's media resolver for `/media/<sha256>`.
 */
export function createPacksFeature(ctx: HostContext, library: PackLibrary = new PackLibrary({ dataDir: ctx.dataDir })): HostFeature<PacksMethod> & { library: PackLibrary } {
  const unsubscribe = library.onChanged((packs) => ctx.events.emit('packs.changed', { packs }));
  return {
    library,
    media: library.media,
    handlers: {
      'packs.list': () => library.list(),
      'packs.import': async ({ path, force }) => {
        const [result] = await library.import(path, {
          force: force ?? false,
          onProgress: (p) => ctx.events.emit('packs.importProgress', p),
        });
        return result!;
      },
      'packs.cancelImport': async () => ({ cancelled: library.cancelImport() }),
      'packs.remove': ({ id }) => library.remove(id),
      'packs.export': ({ ids, toDir }) => library.export(ids, toDir),
    },
    dispose: async () => {
      unsubscribe();
      library.cancelImport();
    },
  };
}
