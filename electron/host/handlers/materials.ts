import type { MediaBlob, MediaResolver } from '../../../common/media/media';
import { MaterialLibrary, type MaterialLibraryOptions } from '../../../content-packs/device/materials';
import type { PackLibrary } from '../../../content-packs/device/pack-library';
import type { HostContext, HostFeature } from '../context';

export type MaterialsMethod = 'materials.list' | 'materials.add' | 'materials.attach' | 'materials.detach' | 'materials.remove';

/** Bridge side of 我的资料: `materials.*` handlers, `materials.progress`/`materials.changed` events. */
export function createMaterialsFeature(
  ctx: HostContext,
  packs: PackLibrary,
  options: MaterialLibraryOptions = {},
): HostFeature<MaterialsMethod> & { materials: MaterialLibrary } {
  const materials = new MaterialLibrary(packs, options);
  const unsubscribe = materials.onChanged((list) => ctx.events.emit('materials.changed', { materials: list }));
  return {
    materials,
    media: materials.media,
    handlers: {
      'materials.list': () => materials.list(),
      'materials.add': ({ path, title }) =>
        materials.add(path, { ...(title !== undefined ? { title } : {}), onProgress: (p) => ctx.events.emit('materials.progress', p) }),
      'materials.attach': ({ id, packId, lessonId }) => materials.attach(id, packId, lessonId),
      'materials.detach': ({ id, packId, lessonId }) => materials.detach(id, packId, lessonId),
      'materials.remove': ({ id }) => materials.remove(id),
    },
    dispose: async () => unsubscribe(),
  };
}

/** One resolver over several (pack blobs, then material blobs): the first that knows the hash answers. */
export function chainMediaResolvers(resolvers: readonly MediaResolver[]): MediaResolver {
  return {
    async resolve(sha256: string): Promise<MediaBlob | null> {
      for (const r of resolvers) {
        const blob = await r.resolve(sha256);
        if (blob) return blob;
      }
      return null;
    },
  };
}
