import * as fs from 'node:fs';
import { join } from 'node:path';
import { TeachPointError } from '../../common/errors/errors';
import type { ContentStore } from '../store/content-store';
import { destinationError } from '../store/errors';
import { materialBlobs } from '../store/materials-index';
import type { InstalledPackRecord, PackIndex } from '../store/pack-index';
import { importError } from './errors';

/**
 * Uninstall a pack: one atomic index write drops it (from then on its lessons are gone), then
 * blobs no other installed pack references are deleted, then its manifest copy. Call under the
 * data-dir lock.
 *
 * Removing is what a full disk asks the user to do, so it must work with 0 bytes free: when the
 * new index does not fit, room is made first — leftovers nothing references (interrupted
 * imports), then, if still needed, the blobs only this pack uses — and the index write retried.
 * (A power cut between those deletions and the index write leaves the pack listed with some files
 * missing; removing it again completes.) Disk errors come out as the bilingual `store.disk-full`
 * or `store.write-failed`.
 */
export async function removePack(store: ContentStore, index: PackIndex, id: string): Promise<{ id: string; version: number; bytesFreed: number }> {
  const idx = await index.read();
  const rec = idx.packs.find((p) => p.id === id);
  if (!rec) throw importError('packs.not-installed', { id });
  const remaining = idx.packs.filter((p) => p.id !== id);
  let bytesFreed = 0;
  try {
    await index.write(remaining);
  } catch (err) {
    if (!isDiskFull(err)) throw destinationError(err, { id });
    bytesFreed += await makeRoom(store, index, rec, remaining);
  }
  try {
    bytesFreed += (await store.deleteUnreferenced(rec.blobs.map((b) => b.sha256), await index.referencedBlobs())).bytesFreed;
    await fs.promises.rm(join(store.dataDir, rec.metaDir), { recursive: true, force: true });
  } catch {
    // The pack is gone from the index; leftovers are collected by the next full gc (store scrub).
  }
  return { id, version: rec.version, bytesFreed };
}

/** Free space until the index without `rec` can be written, and write it; returns the bytes freed. */
async function makeRoom(store: ContentStore, index: PackIndex, rec: InstalledPackRecord, remaining: InstalledPackRecord[]): Promise<number> {
  const keepWithRec = await index.referencedBlobs();
  const keep = await materialBlobs(store.dataDir);
  for (const p of remaining) for (const b of p.blobs) keep.add(b.sha256);
  const steps: Array<() => Promise<{ bytesFreed: number }>> = [
    () => store.gc(keepWithRec),
    () => store.deleteUnreferenced(rec.blobs.map((b) => b.sha256), keep),
  ];
  let freed = 0;
  let last: unknown = null;
  for (const step of steps) {
    freed += (await step()).bytesFreed;
    try {
      await index.write(remaining);
      return freed;
    } catch (err) {
      if (!isDiskFull(err)) throw destinationError(err, { id: rec.id });
      last = err;
    }
  }
  throw destinationError(last, { id: rec.id });
}

function isDiskFull(err: unknown): boolean {
  if (err instanceof TeachPointError) return err.code === 'store.disk-full';
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
