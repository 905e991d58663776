import { promises as fs } from 'fs';
import { PackLibrary } from '../../../content-packs/device/pack-library';
import { importError } from '../../../content-packs/import/errors';
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
        // The bridge imports one file and answers with its result; folders are the CLI's job.
        const stat = await fs.stat(path).catch(() => null);
        if (stat?.isDirectory()) throw importError('import.not-a-file', { path });
        const [result] = await library.import(path, {
          force: force ?? false,
          onProgress: (p) => ctx.events.emit('packs.importProgress', p),
        });
        if (!result) throw importError('import.no-packs', { path });
        return result;
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
