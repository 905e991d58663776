import * as fs from 'node:fs';
import { join } from 'node:path';
import type { ContentStore } from '../store/content-store';
import type { PackIndex } from '../store/pack-index';
import { importError } from './errors';

/**
 * Uninstall a pack: one atomic index write drops it (from then on its lessons are gone), then
 * blobs no other installed pack references are deleted, then its manifest copy. Call under the
 * data-dir lock.
 */
export async function removePack(store: ContentStore, index: PackIndex, id: string): Promise<{ id: string; version: number; bytesFreed: number }> {
  const idx = await index.read();
  const rec = idx.packs.find((p) => p.id === id);
  if (!rec) throw importError('packs.not-installed', { id });
  await index.write(idx.packs.filter((p) => p.id !== id));
  const { bytesFreed } = await store.deleteUnreferenced(
    rec.blobs.map((b) => b.sha256),
    await index.referencedBlobs(),
  );
  await fs.promises.rm(join(store.dataDir, rec.metaDir), { recursive: true, force: true });
  return { id, version: rec.version, bytesFreed };
}
