import * as fs from 'node:fs';
import { join } from 'node:path';
import type { ImportProgress, ImportResult } from '../../common/bridge/methods/packs';
import { TeachPointError } from '../../common/errors/errors';
import { EtaEstimator } from '../device/progress-line';
import type { ContentStore, PendingBlob } from '../store/content-store';
import { diskFree, type DiskSpace } from '../store/disk-space';
import { fsyncDir, writeFileAtomic, type StoreFs } from '../store/fs-seam';
import type { InstalledPackRecord, PackIndex } from '../store/pack-index';
import { inFileOrder, BoundedPool, type PlannedBlob } from './blob-plan';
import { importError } from './errors';
import { openVerifiedPack, type TrustInput, type VerifiedPack } from './open-verified';

export const DEFAULT_RESERVE_BYTES = 500 * 1024 * 1024;

export interface ImportPackOptions extends TrustInput {
  store: ContentStore;
  index: PackIndex;
  fs: StoreFs;
  /** Bytes that must stay free after the import (default 500 MB). */
  reserveBytes?: number;
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** Allow a downgrade, or re-copy a version that is already installed. */
  force?: boolean;
  /** Free space probe (tests inject a small disk). */
  diskFree?: (path: string) => Promise<DiskSpace>;
  /** Test hook: called after each blob is committed to the store (fault tests pull the stick here). */
  afterBlob?: (done: number, total: number) => void | Promise<void>;
}

const PROGRESS_INTERVAL_MS = 250;
/** fsync+rename of finished blobs overlaps with copying the next ones. */
const COMMIT_CONCURRENCY = 4;

/**
 * Import one `.tpk` into the store. Order of events:
 *  1. open + verify container, manifest, signature and certificate chain — refuse before copying;
 *  2. decide (already installed / downgrade), compute the blobs the store lacks;
 *  3. check free space for those bytes + reserve;
 *  4. copy each missing blob (file order, copy+hash in one pass, verify-then-move);
 *  5. fsync the touched directories, write the manifest copy, then ONE atomic index write;
 *  6. free blobs nothing references any more (the old version's unique ones).
 * On any failure before 5 the index is untouched, temp files are deleted; blobs already verified
 * stay in the store (unreferenced, invisible) so a re-run skips them — except after a refusal
 * for bad content or a full disk, where this run's blobs are deleted again.
 */
export async function importPack(file: string, options: ImportPackOptions): Promise<ImportResult> {
  const started = Date.now();
  const { store, index } = options;
  const emit = progressEmitter(file, options.onProgress);
  emit.now({ packId: null, version: null, phase: 'verifying', bytesDone: 0, bytesTotal: 0, currentTitle: null });
  checkAbort(options.signal);

  const pack = await openVerifiedPack(file, options);
  try {
    const { manifest } = pack;
    const current = await index.get(manifest.id);
    if (current && manifest.version < current.version && !options.force) {
      throw importError('import.downgrade', { id: manifest.id, installed: current.version, offered: manifest.version });
    }

    const missing: PlannedBlob[] = [];
    let bytesSkipped = 0;
    for (const b of pack.blobs) {
      if (await store.has(b.sha256, b.size)) bytesSkipped += b.size;
      else missing.push(b);
    }
    if (current && current.version === manifest.version && missing.length === 0 && !options.force) {
      emit.now({ packId: manifest.id, version: manifest.version, phase: 'done', bytesDone: 0, bytesTotal: 0, currentTitle: null });
      return {
        id: manifest.id,
        version: manifest.version,
        previousVersion: current.version,
        alreadyInstalled: true,
        blobsCopied: 0,
        blobsSkipped: pack.blobs.length,
        bytesCopied: 0,
        bytesSkipped,
        bytesFreed: 0,
        seconds: (Date.now() - started) / 1000,
      };
    }

    const bytesTotal = missing.reduce((s, b) => s + b.size, 0);
    const reserve = options.reserveBytes ?? DEFAULT_RESERVE_BYTES;
    const space = await (options.diskFree ?? diskFree)(store.dataDir).catch(() => null);
    if (space && space.freeBytes < bytesTotal + reserve) {
      throw importError('import.disk-full', { neededBytes: bytesTotal, reserveBytes: reserve, freeBytes: space.freeBytes });
    }

    // ---- copy phase ----------------------------------------------------------------------
    const added: string[] = [];
    const pool = new BoundedPool(COMMIT_CONCURRENCY);
    const pending = new Set<PendingBlob>();
    let bytesDone = 0;
    let done = 0;
    const base = { packId: manifest.id, version: manifest.version, phase: 'copying' as const, bytesTotal };
    emit.now({ ...base, bytesDone: 0, currentTitle: missing[0]?.title ?? null });
    const checkSource = async (): Promise<void> => {
      try {
        const st = await fs.promises.stat(file);
        if (st.size !== pack.fileSize) throw Object.assign(new Error('size changed'), { code: 'ESTALE' });
      } catch (err) {
        throw importError('import.source-gone', { path: file, errno: (err as NodeJS.ErrnoException).code ?? null });
      }
    };
    try {
      for (const blob of inFileOrder(missing)) {
        checkAbort(options.signal);
        if (pool.error) throw pool.error;
        const copyOpts = {
          ...(options.signal ? { signal: options.signal } : {}),
          checkSource,
          onBytes: (n: number) => {
            bytesDone += n;
            emit.maybe({ ...base, bytesDone, currentTitle: blob.title });
          },
        };
        let p: PendingBlob;
        if (blob.entry.method === 0) {
          p = await store.writeBlobFromFileRange(pack.fd, blob.entry.dataOffset, blob.size, blob.sha256, copyOpts);
        } else {
          p = await store.writeBlobFromStream(pack.entryStream(blob.entry), blob.sha256, blob.size, copyOpts);
        }
        pending.add(p);
        await pool.add(async () => {
          await p.commit();
          pending.delete(p);
          added.push(p.sha256);
          done++;
          await options.afterBlob?.(done, missing.length);
        });
      }
      await pool.drain();
      checkAbort(options.signal);
      emit.now({ ...base, phase: 'switching', bytesDone, currentTitle: null });
      await store.syncDirs();

      // ---- switch ------------------------------------------------------------------------
      const metaDir = join('packs', manifest.id, String(manifest.version));
      await writeMeta(options.fs, join(store.dataDir, metaDir), pack);
      const record: InstalledPackRecord = {
        id: manifest.id,
        version: manifest.version,
        title: manifest.title,
        publisher: manifest.publisher.keyId,
        installedAt: new Date().toISOString(),
        metaDir: metaDir.split('\\').join('/'),
        bytes: pack.blobs.reduce((s, b) => s + b.size, 0),
        resourceCount: manifest.resources.length,
        blobs: pack.blobs.map((b) => ({ sha256: b.sha256, size: b.size, mime: b.mime })),
      };
      checkAbort(options.signal);
      const before = await index.read();
      await index.write([...before.packs.filter((p) => p.id !== manifest.id), record]);
    } catch (err) {
      await pool.settle();
      for (const p of pending) await p.discard();
      const e = mapCopyError(err);
      // Bad content or a full disk: take back what this run added (it is useless or in the way).
      if (e.code === 'import.bad-blob' || e.code === 'import.disk-full' || e.code === 'import.truncated') {
        const referenced = await index.referencedBlobs();
        for (const sha of added) if (!referenced.has(sha)) await fs.promises.rm(store.blobPath(sha), { force: true });
      }
      throw e;
    }

    // ---- after the switch: free what nothing references ----------------------------------
    let bytesFreed = 0;
    try {
      bytesFreed = (await store.gc(await index.referencedBlobs())).bytesFreed;
      if (current && current.version !== manifest.version) await fs.promises.rm(join(store.dataDir, current.metaDir), { recursive: true, force: true });
    } catch {
      // The new version is installed; leftovers are collected by the next gc.
    }
    emit.now({ ...base, phase: 'done', bytesDone, currentTitle: null });
    return {
      id: manifest.id,
      version: manifest.version,
      previousVersion: current?.version ?? null,
      alreadyInstalled: false,
      blobsCopied: missing.length,
      blobsSkipped: pack.blobs.length - missing.length,
      bytesCopied: bytesTotal,
      bytesSkipped,
      bytesFreed,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await pack.close();
  }
}

async function writeMeta(sfs: StoreFs, dir: string, pack: VerifiedPack): Promise<void> {
  await sfs.mkdir(dir);
  for (const [name, bytes] of pack.metaFiles) await writeFileAtomic(sfs, join(dir, name), bytes, dir);
  await fsyncDir(sfs, join(dir, '..'));
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw importError('import.cancelled');
}

/** Store-level errors → import codes the UI and CLI branch on. */
export function mapCopyError(err: unknown): TeachPointError {
  if (!(err instanceof TeachPointError)) return importError('import.write-failed', { message: String((err as Error)?.message ?? err) });
  switch (err.code) {
    case 'store.disk-full':
      return importError('import.disk-full', err.details);
    case 'store.hash-mismatch':
      return importError('import.bad-blob', err.details);
    case 'store.source-read':
      return importError('import.source-gone', err.details);
    case 'store.source-truncated':
      return importError('import.truncated', err.details);
    case 'store.cancelled':
      return importError('import.cancelled');
    case 'store.write-failed':
      return importError('import.write-failed', err.details);
    default:
      return err;
  }
}

function progressEmitter(path: string, onProgress: ((p: ImportProgress) => void) | undefined) {
  const eta = new EtaEstimator();
  let last = 0;
  const send = (p: Omit<ImportProgress, 'path' | 'etaSeconds'>): void => {
    if (!onProgress) return;
    last = Date.now();
    const etaSeconds = p.phase === 'copying' ? eta.update(p.bytesDone, p.bytesTotal) : p.phase === 'done' ? 0 : null;
    onProgress({ path, ...p, etaSeconds });
  };
  return {
    now: send,
    maybe: (p: Omit<ImportProgress, 'path' | 'etaSeconds'>) => {
      if (Date.now() - last >= PROGRESS_INTERVAL_MS) send(p);
    },
  };
}
