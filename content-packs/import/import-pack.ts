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

/**
 * Import one `.tpk` into the store. Order of events:
 *  1. open + verify container, manifest, signature and certificate chain — refuse before copying;
 *  2. decide (already installed / downgrade), compute the blobs the store lacks;
 *  3. check free space for those bytes + reserve;
 *  4. copy each missing blob (file order, several in flight on worker threads; its local header is
 *     checked against the central directory right before, then copy+hash in one pass; the local
 *     headers of blobs the store already has are checked alongside); a verified blob is flushed, then renamed into the store (verify-then-move; flushes are
 *     grouped per 128 MiB on Linux, per file elsewhere — see store/durability.ts);
 *  5. flush, write the manifest copy, then ONE atomic index write;
 *  6. delete the old version's blobs nothing references any more.
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

  // Free space is only checked after verification, but asked for meanwhile (df/PowerShell take ~0.1 s).
  const spaceP = (options.diskFree ?? diskFree)(store.dataDir).catch(() => null);
  const pack = await openVerifiedPack(file, options);
  try {
    const { manifest } = pack;
    const current = await index.get(manifest.id);
    if (current && manifest.version < current.version && !options.force) {
      throw importError('import.downgrade', { id: manifest.id, installed: current.version, offered: manifest.version });
    }

    const missing: PlannedBlob[] = [];
    let bytesSkipped = 0;
    const present: boolean[] = [];
    for (let i = 0; i < pack.blobs.length; i += 64) {
      present.push(...(await Promise.all(pack.blobs.slice(i, i + 64).map((b) => store.has(b.sha256, b.size)))));
    }
    const skipped: PlannedBlob[] = [];
    pack.blobs.forEach((b, i) => {
      if (present[i]) {
        bytesSkipped += b.size;
        skipped.push(b);
      } else missing.push(b);
    });
    // Local headers of the blobs not copied are checked too (in one pass, alongside the copy), so
    // whether a malformed pack is refused does not depend on what the store already holds.
    // Blobs that are copied are located right before their copy.
    const skippedLocated = pack.locateAll(skipped.map((b) => b.entry));
    skippedLocated.catch(() => undefined); // awaited below; do not report it as unhandled meanwhile
    if (current && current.version === manifest.version && missing.length === 0 && !options.force) {
      await skippedLocated;
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
    const space = await spaceP;
    if (space && space.freeBytes < bytesTotal + reserve) {
      throw importError('import.disk-full', { neededBytes: bytesTotal, reserveBytes: reserve, freeBytes: space.freeBytes });
    }

    // ---- copy phase ----------------------------------------------------------------------
    const added: string[] = [];
    // Several blobs in flight (hashing on several cores, I/O waits overlapped); the first
    // failure stops the others at their next chunk.
    const pool = new BoundedPool(store.copyConcurrency);
    const stop = new AbortController();
    const onOuterAbort = () => stop.abort();
    options.signal?.addEventListener('abort', onOuterAbort);
    if (options.signal?.aborted) stop.abort();
    /** Verified temp files not yet renamed into the store. */
    const pending = new Set<PendingBlob>();
    const batcher = new CommitBatcher(store, (p) => {
      pending.delete(p);
      added.push(p.sha256);
    });
    let bytesDone = 0;
    let verified = 0;
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
    const ordered = inFileOrder(missing);
    try {
      for (const blob of ordered) {
        checkAbort(options.signal);
        if (pool.error) throw pool.error;
        await pool.add(async () => {
          const copyOpts = {
            signal: stop.signal,
            checkSource,
            sourcePath: file,
            sourceSize: pack.fileSize,
            onBytes: (n: number) => {
              bytesDone += n;
              emit.maybe({ ...base, bytesDone, currentTitle: blob.title });
            },
          };
          try {
            const entry = await pack.locate(blob.entry);
            const p =
              entry.method === 0
                ? await store.writeBlobFromFileRange(pack.fd, entry.dataOffset, blob.size, blob.sha256, copyOpts)
                : await store.writeBlobFromStream(pack.entryStream(entry), blob.sha256, blob.size, copyOpts);
            pending.add(p);
            verified++;
            await options.afterBlob?.(verified, missing.length);
            await batcher.add(p);
          } catch (err) {
            stop.abort();
            throw err;
          }
        });
      }
      await pool.drain();
      await skippedLocated;
      await batcher.finish();
      checkAbort(options.signal);
      emit.now({ ...base, phase: 'switching', bytesDone, currentTitle: null });
      await store.flush();

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
      stop.abort();
      await pool.settle();
      await batcher.settle();
      options.signal?.removeEventListener('abort', onOuterAbort);
      // Jobs stopped by another job's failure report "cancelled": report the real cause.
      const real = [pool.error, batcher.error, err].find((x) => x && !isCancel(x)) ?? err;
      const e = options.signal?.aborted ? importError('import.cancelled') : mapCopyError(real);
      if (e.code === 'import.source-gone' || e.code === 'import.cancelled') {
        // Verified blobs are worth keeping for the re-run (unreferenced, so invisible).
        try {
          await store.flush();
          for (const p of pending) await (store.batchesFlushes ? p.commitFlushed() : p.commit());
          await store.flush();
        } catch {
          for (const p of pending) await p.discard();
        }
      } else {
        for (const p of pending) await p.discard();
      }
      // Bad content or a full disk: take back what this run added (it is useless or in the way).
      if (e.code === 'import.bad-blob' || e.code === 'import.bad-pack' || e.code === 'import.disk-full' || e.code === 'import.truncated') {
        await store.deleteUnreferenced(added, await index.referencedBlobs()).catch(() => undefined);
      }
      throw e;
    }

    options.signal?.removeEventListener('abort', onOuterAbort);

    // ---- after the switch: free the old version's blobs nothing references any more -------
    let bytesFreed = 0;
    try {
      if (current) bytesFreed = (await store.deleteUnreferenced(current.blobs.map((b) => b.sha256), await index.referencedBlobs())).bytesFreed;
      if (current && current.version !== manifest.version) await fs.promises.rm(join(store.dataDir, current.metaDir), { recursive: true, force: true });
    } catch {
      // The new version is installed; leftovers are collected by the next full gc (store scrub).
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

/** Group commit (durability 'syncfs'): rename verified blobs in batches after one filesystem flush. */
const BATCH_BYTES = 128 * 1024 * 1024;
const BATCH_BLOBS = 512;

class CommitBatcher {
  private batch: PendingBlob[] = [];
  private bytes = 0;
  private chain: Promise<void> = Promise.resolve();
  private failed: unknown = null;

  constructor(private readonly store: ContentStore, private readonly onCommitted: (p: PendingBlob) => void) {}

  get error(): unknown {
    return this.failed;
  }

  /** Per-file mode: commit now. Batch mode: queue; a full batch is flushed + renamed in the background. */
  async add(p: PendingBlob): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.store.batchesFlushes) {
      await p.commit();
      this.onCommitted(p);
      return;
    }
    this.batch.push(p);
    this.bytes += p.size;
    if (this.bytes >= BATCH_BYTES || this.batch.length >= BATCH_BLOBS) this.seal();
  }

  private seal(): void {
    const batch = this.batch;
    this.batch = [];
    this.bytes = 0;
    if (batch.length === 0) return;
    this.chain = this.chain.then(async () => {
      if (this.failed) return;
      try {
        await this.store.flush();
        for (const p of batch) {
          await p.commitFlushed();
          this.onCommitted(p);
        }
      } catch (err) {
        this.failed = err;
      }
    });
  }

  /** Commit what is queued and wait; throws the first failure. */
  async finish(): Promise<void> {
    this.seal();
    await this.chain;
    if (this.failed) throw this.failed;
  }

  /** Wait for batches in flight, ignoring failures (cleanup); queued blobs stay pending. */
  async settle(): Promise<void> {
    await this.chain;
  }
}

function isCancel(err: unknown): boolean {
  return err instanceof TeachPointError && (err.code === 'store.cancelled' || err.code === 'import.cancelled');
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw importError('import.cancelled');
}

/** Store-level errors → import codes the UI and CLI branch on. */
export function mapCopyError(err: unknown): TeachPointError {
  if (!(err instanceof TeachPointError)) {
    const errno = (err as NodeJS.ErrnoException | undefined)?.code;
    if (errno === 'ENOSPC' || errno === 'EDQUOT') return importError('import.disk-full', { errno });
    return importError('import.write-failed', { errno: errno ?? null, message: String((err as Error)?.message ?? err) });
  }
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
