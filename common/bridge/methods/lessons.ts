import { z } from 'zod';
import { PackManifest } from '../../../content-packs/format/manifest';
import { defineMethod } from '../define';

/**
 * Lessons of installed packs. The renderer fills its Dexie `catalog` from these manifests (on start
 * and on `packs.changed`) and opens a lesson's resources and exercise sets from them.
 */
export const PackContent = z.object({
  id: z.string(),
  version: z.number().int().nonnegative(),
  /** The installed version's manifest, validated by the pack format's own schema (defaults applied). */
  manifest: PackManifest,
});
export type PackContent = z.infer<typeof PackContent>;

export const lessonsMethods = {
  'lessons.manifest': defineMethod(
    "An installed pack's validated manifest: lesson tree (学段/学科/版本/年级/册/单元/课), resources, exercise sets",
    z.object({ packId: z.string().min(1) }).strict(),
    PackContent,
  ),
};
