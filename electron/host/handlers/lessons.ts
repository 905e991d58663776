import { PackContentReader } from '../../../content-packs/device/pack-content';
import type { PackLibrary } from '../../../content-packs/device/pack-library';
import type { HostFeature } from '../context';

/** `lessons.manifest`: the installed version's manifest as the importer stored it (validated again). */
export function createLessonsFeature(library: PackLibrary): HostFeature<'lessons.manifest'> {
  const reader = new PackContentReader(library.dataDir, library.index);
  return {
    handlers: {
      'lessons.manifest': ({ packId }) => reader.manifest(packId),
    },
    dispose: async () => undefined,
  };
}
