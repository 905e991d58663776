import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ImportProgress, ImportResult } from '../../common/bridge/methods/packs';
import { TeachPointError } from '../../common/errors/errors';
import type { PackManifest } from '../format/manifest';
import type { ZipEntry } from '../format/zip-reader';
import type { ContentStore, PendingBlob } from '../store/content-store';
import { diskFree, type DiskSpace } from '../store/disk-space';
import { fsyncDir, writeFileAtomic, type StoreFs } from '../store/fs-seam';
import type { InstalledPackRecord, PackIndex } from '../store/pack-index';
import { inFileOrder, BoundedPool, type PlannedBlob } from './blob-plan';
import { EtaEstimator } from './eta';
import { importError } from './errors';
import { openVerifiedPack, type TrustInput, type VerifiedPack } from './open-verified';
import { startPrefetch } from '../node/prefetch';

export const DEFAULT_RESERVE_BYTES = 500 * 1024 * 1024;
/** Read-ahead while verifying: at most this much (at 30 MB/s a 1–2 s verification reads 30–60 MB). */
const PREFETCH_BYTES = 256 * 1024 * 1024;

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
const readAt = promisify(fs.read);

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
  const emit = progressEmitter(file, options.onProgress);
  emit.now({ packId: null, version: null, phase: 'verifying', bytesDone: 0, bytesTotal: 0, currentTitle: null });
  checkAbort(options.signal);

  // Free space is only checked after verification, but asked for meanwhile (df/PowerShell take ~0.1 s).
  const spaceP = (options.diskFree ?? diskFree)(options.store.dataDir).catch(() => null);
  // While the CPU verifies, the stick reads ahead into the page cache: the copy starts at the front.
  const prefetch = startPrefetch(file, { maxBytes: PREFETCH_BYTES });
  const pack = await openVerifiedPack(file, options).finally(() => prefetch.stop());
  try {
    const plan = await planImport(pack, options);
    if (plan.current && plan.current.version === pack.manifest.version && plan.missing.length === 0 && !options.force) {
      await plan.skippedLocated;
      // Nothing to copy — but say so only if this copy is whole: a teacher may carry it on to the next PC.
      await checkStickCopy(pack, options, emit);
      emit.now({ packId: pack.manifest.id, version: pack.manifest.version, phase: 'done', bytesDone: 0, bytesTotal: 0, currentTitle: null });
      return importResult(pack, plan, { alreadyInstalled: true, previousVersion: plan.current.version, bytesFreed: 0, started });
    }
    await checkFreeSpace(plan, await spaceP, options.reserveBytes ?? DEFAULT_RESERVE_BYTES);
    const copy = new CopyRun(file, pack, plan, options, emit);
    try {
      await copy.copyMissing();
      await plan.skippedLocated;
      await copy.commitAll();
      await switchIndex(pack, options);
    } catch (err) {
      throw await copy.rollBack(err);
    } finally {
      copy.dispose();
    }
    const bytesFreed = await freeOldVersion(plan.current, pack, options);
    emit.now({ ...copy.progressBase, phase: 'done', bytesDone: copy.bytesDone, currentTitle: null });
    return importResult(pack, plan, { alreadyInstalled: false, previousVersion: plan.current?.version ?? null, bytesFreed, started });
  } finally {
    await pack.close();
  }
}

/** What the import will do: the installed version it replaces, the blobs to copy and the blobs the store has. */
interface ImportPlan {
  current: InstalledPackRecord | null;
  missing: PlannedBlob[];
  skipped: PlannedBlob[];
  bytesTotal: number;
  bytesSkipped: number;
  /** Local headers of the skipped blobs, checked in one pass alongside the copy; await before the switch. */
  skippedLocated: Promise<void>;
}

/** Phase 2: refuse a downgrade, split the pack's blobs into those the store lacks and those it has. */
async function planImport(pack: VerifiedPack, options: ImportPackOptions): Promise<ImportPlan> {
  const { manifest } = pack;
  const current = await options.index.get(manifest.id);
  if (current && manifest.version < current.version && !options.force) {
    throw importError('import.downgrade', { id: manifest.id, installed: current.version, offered: manifest.version });
  }
  const present: boolean[] = [];
  for (let i = 0; i < pack.blobs.length; i += 64) {
    present.push(...(await Promise.all(pack.blobs.slice(i, i + 64).map((b) => options.store.has(b.sha256, b.size)))));
  }
  const missing: PlannedBlob[] = [];
  const skipped: PlannedBlob[] = [];
  let bytesSkipped = 0;
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
  skippedLocated.catch(() => undefined); // awaited later; do not report it as unhandled meanwhile
  const bytesTotal = missing.reduce((s, b) => s + b.size, 0);
  return { current, missing, skipped, bytesTotal, bytesSkipped, skippedLocated };
}

/**
 * Same id and version already installed: hash the file's blobs anyway (read-only) and refuse with
 * `import.copy-damaged` when one differs, instead of "already installed" for a damaged copy.
 */
async function checkStickCopy(pack: VerifiedPack, options: ImportPackOptions, emit: Emitter): Promise<void> {
  const bytesTotal = pack.blobs.reduce((s, b) => s + b.size, 0);
  let bytesDone = 0;
  const base = { packId: pack.manifest.id, version: pack.manifest.version, phase: 'verifying' as const, bytesTotal };
  for (const blob of inFileOrder(pack.blobs)) {
    checkAbort(options.signal);
    const entry = await pack.locate(blob.entry);
    let actual: string;
    try {
      actual = await hashEntry(pack, entry);
    } catch {
      actual = 'unreadable';
    }
    if (actual !== blob.sha256) {
      throw importError('import.copy-damaged', { path: pack.path, id: pack.manifest.id, version: pack.manifest.version, sha256: blob.sha256, title: blob.title });
    }
    bytesDone += blob.size;
    emit.maybe({ ...base, bytesDone, currentTitle: blob.title });
  }
}

async function hashEntry(pack: VerifiedPack, entry: ZipEntry): Promise<string> {
  const h = createHash('sha256');
  if (entry.method !== 0) {
    for await (const chunk of pack.entryStream(entry) as AsyncIterable<Buffer>) h.update(chunk);
    return h.digest('hex');
  }
  const buf = Buffer.allocUnsafe(Math.min(4 * 1024 * 1024, Math.max(1, entry.compressedSize)));
  for (let done = 0; done < entry.compressedSize; ) {
    const want = Math.min(buf.length, entry.compressedSize - done);
    const { bytesRead } = await readAt(pack.fd, buf, 0, want, entry.dataOffset + done);
    if (bytesRead === 0) throw Object.assign(new Error('unexpected end of file'), { code: 'EIO' });
    h.update(buf.subarray(0, bytesRead));
    done += bytesRead;
  }
  return h.digest('hex');
}

/** Phase 3: the bytes to copy plus the reserve must fit (an unknown free space is not a refusal). */
async function checkFreeSpace(plan: ImportPlan, space: DiskSpace | null, reserve: number): Promise<void> {
  if (space && space.freeBytes < plan.bytesTotal + reserve) {
    throw importError('import.disk-full', { neededBytes: plan.bytesTotal, reserveBytes: reserve, freeBytes: space.freeBytes });
  }
}

type Emitter = ReturnType<typeof progressEmitter>;

/**
 * Phase 4: copy the missing blobs (file order, several in flight; the first failure stops the
 * others at their next chunk), verify-then-move each into the store, and — on failure — roll back.
 */
class CopyRun {
  /** Blobs this run renamed into the store (taken back after a refusal for bad content or a full disk). */
  private readonly added: string[] = [];
  /** Verified temp files not yet renamed into the store. */
  private readonly pending = new Set<PendingBlob>();
  private readonly pool: BoundedPool;
  private readonly stop = new AbortController();
  private readonly batcher: CommitBatcher;
  private readonly onOuterAbort = (): void => this.stop.abort();
  private verified = 0;
  bytesDone = 0;
  readonly progressBase: { packId: string; version: number; phase: 'copying'; bytesTotal: number };

  constructor(
    private readonly file: string,
    private readonly pack: VerifiedPack,
    private readonly plan: ImportPlan,
    private readonly options: ImportPackOptions,
    private readonly emit: Emitter,
  ) {
    this.pool = new BoundedPool(options.store.copyConcurrency);
    // Every copy in flight listens on the stop signal.
    setMaxListeners(options.store.copyConcurrency + 10, this.stop.signal);
    options.signal?.addEventListener('abort', this.onOuterAbort);
    if (options.signal?.aborted) this.stop.abort();
    this.batcher = new CommitBatcher(options.store, (p) => {
      this.pending.delete(p);
      this.added.push(p.sha256);
    });
    this.progressBase = { packId: pack.manifest.id, version: pack.manifest.version, phase: 'copying', bytesTotal: plan.bytesTotal };
  }

  private readonly checkSource = async (): Promise<void> => {
    try {
      const st = await fs.promises.stat(this.file);
      if (st.size !== this.pack.fileSize) throw Object.assign(new Error('size changed'), { code: 'ESTALE' });
    } catch (err) {
      throw importError('import.source-gone', { path: this.file, errno: (err as NodeJS.ErrnoException).code ?? null });
    }
  };

  async copyMissing(): Promise<void> {
    const { missing } = this.plan;
    this.emit.now({ ...this.progressBase, bytesDone: 0, currentTitle: missing[0]?.title ?? null });
    for (const blob of inFileOrder(missing)) {
      checkAbort(this.options.signal);
      if (this.pool.error) throw this.pool.error;
      await this.pool.add(() => this.copyOne(blob));
    }
    await this.pool.drain();
  }

  private async copyOne(blob: PlannedBlob): Promise<void> {
    const { store } = this.options;
    const copyOpts = {
      signal: this.stop.signal,
      checkSource: this.checkSource,
      sourcePath: this.file,
      sourceSize: this.pack.fileSize,
      onBytes: (n: number) => {
        this.bytesDone += n;
        this.emit.maybe({ ...this.progressBase, bytesDone: this.bytesDone, currentTitle: blob.title });
      },
    };
    try {
      const entry = await this.pack.locate(blob.entry);
      const p =
        entry.method === 0
          ? await store.writeBlobFromFileRange(this.pack.fd, entry.dataOffset, blob.size, blob.sha256, copyOpts)
          : await store.writeBlobFromStream(this.pack.entryStream(entry), blob.sha256, blob.size, copyOpts);
      this.pending.add(p);
      this.verified++;
      await this.options.afterBlob?.(this.verified, this.plan.missing.length);
      await this.batcher.add(p);
    } catch (err) {
      this.stop.abort();
      throw err;
    }
  }

  /** Rename what is still queued into the store and flush, before the switch. */
  async commitAll(): Promise<void> {
    await this.batcher.finish();
    checkAbort(this.options.signal);
    this.emit.now({ ...this.progressBase, phase: 'switching', bytesDone: this.bytesDone, currentTitle: null });
    await this.options.store.flush();
  }

  /**
   * Undo after a failure before or at the switch; returns the error to report. Verified blobs are
   * kept (unreferenced, invisible) for a re-run after a pulled stick or a cancel; after a refusal
   * for bad content or a full disk, this run's blobs are deleted again.
   */
  async rollBack(err: unknown): Promise<TeachPointError> {
    const { store, index, signal } = this.options;
    this.stop.abort();
    await this.pool.settle();
    await this.batcher.settle();
    this.dispose();
    // Jobs stopped by another job's failure report "cancelled": report the real cause.
    const real = [this.pool.error, this.batcher.error, err].find((x) => x && !isCancel(x)) ?? err;
    const e = signal?.aborted ? importError('import.cancelled') : mapCopyError(real);
    if (e.code === 'import.source-gone' || e.code === 'import.cancelled') {
      try {
        await store.flush();
        for (const p of this.pending) await (store.batchesFlushes ? p.commitFlushed() : p.commit());
        await store.flush();
      } catch {
        for (const p of this.pending) await p.discard();
      }
    } else {
      for (const p of this.pending) await p.discard();
    }
    if (e.code === 'import.bad-blob' || e.code === 'import.bad-pack' || e.code === 'import.disk-full' || e.code === 'import.truncated') {
      await store.deleteUnreferenced(this.added, await index.referencedBlobs()).catch(() => undefined);
    }
    return e;
  }

  dispose(): void {
    this.options.signal?.removeEventListener('abort', this.onOuterAbort);
  }
}

/** What the switch needs of a verified pack: a `.tpk` (VerifiedPack) or a cloud download. */
export interface InstallablePack {
  manifest: PackManifest;
  /** Verbatim manifest.json and manifest.sig, kept next to the index. */
  metaFiles: Array<[string, Uint8Array]>;
  blobs: ReadonlyArray<{ sha256: string; size: number; mime: string }>;
}

type SwitchOptions = Pick<ImportPackOptions, 'store' | 'index' | 'fs' | 'signal'>;

/**
 * Phases 5–6 for a pack whose manifest verified and whose blobs are ALL in the store already (a
 * cloud download commits each blob verify-then-move first): the same atomic index switch and
 * old-version cleanup as a `.tpk` import. Call under the library's lock (PackLibrary.exclusive).
 */
export async function installVerifiedPack(pack: InstallablePack, options: SwitchOptions & { force?: boolean }): Promise<{ previousVersion: number | null; alreadyInstalled: boolean; bytesFreed: number }> {
  const { manifest } = pack;
  const current = await options.index.get(manifest.id);
  if (current && manifest.version < current.version && !options.force) {
    throw importError('import.downgrade', { id: manifest.id, installed: current.version, offered: manifest.version });
  }
  if (current && current.version === manifest.version && !options.force) return { previousVersion: current.version, alreadyInstalled: true, bytesFreed: 0 };
  for (const b of pack.blobs) {
    if (!(await options.store.has(b.sha256, b.size))) throw importError('import.truncated', { id: manifest.id, sha256: b.sha256 });
  }
  await options.store.flush();
  await switchIndex(pack, options);
  const bytesFreed = await freeOldVersion(current, pack, options);
  return { previousVersion: current?.version ?? null, alreadyInstalled: false, bytesFreed };
}

/** Phase 5: write the manifest copy, then ONE atomic index write makes the new version visible. */
async function switchIndex(pack: InstallablePack, options: SwitchOptions): Promise<void> {
  const { manifest } = pack;
  const { store, index } = options;
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
}

/** Phase 6 (after the switch): free the old version's blobs nothing references any more; never fails the import. */
async function freeOldVersion(current: InstalledPackRecord | null, pack: InstallablePack, options: SwitchOptions): Promise<number> {
  if (!current) return 0;
  const { store, index } = options;
  let bytesFreed = 0;
  try {
    bytesFreed = (await store.deleteUnreferenced(current.blobs.map((b) => b.sha256), await index.referencedBlobs())).bytesFreed;
    if (current.version !== pack.manifest.version) await fs.promises.rm(join(store.dataDir, current.metaDir), { recursive: true, force: true });
  } catch {
    // The new version is installed; leftovers are collected by the next full gc (store scrub).
  }
  return bytesFreed;
}

function importResult(
  pack: VerifiedPack,
  plan: ImportPlan,
  r: { alreadyInstalled: boolean; previousVersion: number | null; bytesFreed: number; started: number },
): ImportResult {
  const copied = r.alreadyInstalled ? 0 : plan.missing.length;
  return {
    id: pack.manifest.id,
    version: pack.manifest.version,
    previousVersion: r.previousVersion,
    alreadyInstalled: r.alreadyInstalled,
    blobsCopied: copied,
    blobsSkipped: pack.blobs.length - copied,
    bytesCopied: r.alreadyInstalled ? 0 : plan.bytesTotal,
    bytesSkipped: plan.bytesSkipped,
    bytesFreed: r.bytesFreed,
    seconds: (Date.now() - r.started) / 1000,
  };
}

async function writeMeta(sfs: StoreFs, dir: string, pack: InstallablePack): Promise<void> {
  await sfs.mkdir(dir);
  for (const [name, bytes] of pack.metaFiles) await writeFileAtomic(sfs, join(dir, name), bytes, dir);
  await fsyncDir(sfs, join(dir, '..'));
}

/** Group commit (durability 'syncfs'): rename verified blobs in batches after one filesystem flush. */
const BATCH_BYTES = 128 * 1024 * 1024;
const BATCH_BLOBS = 512;
const RENAMES_AT_ONCE = 16;

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
        // If the filesystem flush failed, the store fell back to per-file fsync: commit() fsyncs each blob.
        const flushed = this.store.batchesFlushes;
        // Renames of one flushed batch are independent: several at once (one by one, the last
        // batch's ~200 small blobs took ~1 s after the last byte was copied).
        // All of a group settle before a failure is reported, so none is still renaming during a rollback.
        for (let i = 0; i < batch.length; i += RENAMES_AT_ONCE) {
          const results = await Promise.allSettled(
            batch.slice(i, i + RENAMES_AT_ONCE).map(async (p) => {
              await (flushed ? p.commitFlushed() : p.commit());
              this.onCommitted(p);
            }),
          );
          const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
          if (failure) throw failure.reason;
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
