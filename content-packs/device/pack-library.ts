import type { InstalledPack, ImportProgress, ImportResult, ExportedPack } from '../../common/bridge/methods/packs';
import type { FoundPack } from '../../common/bridge/methods/drives';
import type { MediaResolver } from '../../common/media/media';
import { ContentStore, type ScrubReport } from '../store/content-store';
import { fastStoreFs, type StoreFs } from '../store/fs-seam';
import { destinationError } from '../store/errors';
import { acquireDataLock } from '../store/lock';
import { PackIndex, type InstalledPackRecord } from '../store/pack-index';
import { StoreMediaResolver } from '../store/media-resolver';
import * as fs from 'node:fs';
import { join, resolve } from 'node:path';
import { TeachPointError } from '../../common/errors/errors';
import { scanForPacks, findPackFiles } from '../drives/scanner';
import { importError } from '../import/errors';
import { exportPacks } from '../import/export-packs';
import { importPack, installVerifiedPack, DEFAULT_RESERVE_BYTES, type InstallablePack } from '../import/import-pack';
import { loadTrust } from '../import/open-verified';
import { removePack } from '../import/remove-pack';
import type { DiskSpace } from '../store/disk-space';

export interface PackLibraryOptions {
  dataDir: string;
  /** Trusted root public-key files in addition to `<data>/trust/*.pub` (the app's shipped roots, `--trust`). */
  trustedRootFiles?: readonly string[];
  /** Bytes to keep free after an import (default 500 MB). */
  reserveBytes?: number;
  /** Seam for injected faults (ENOSPC, EIO) in tests; node:fs otherwise. */
  fs?: StoreFs;
  /** Free-space probe (tests simulate a small disk). */
  diskFree?: (path: string) => Promise<DiskSpace>;
  /** Test hook: after each blob of an import is committed. */
  afterBlob?: (done: number, total: number) => void | Promise<void>;
}

export interface ImportOptions {
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  reserveBytes?: number;
}

type Listener<T> = (value: T) => void;

/**
 * The device's pack library — the one API behind both the bridge (`packs.*`, `drives.scan`) and
 * the `teachpoint` CLI: content store + installed-packs index + import/update/remove/export.
 * Mutations are serialised in-process and locked across processes (`<data>/locks/`, store/lock.ts).
 */
export class PackLibrary {
  readonly dataDir: string;
  readonly store: ContentStore;
  readonly index: PackIndex;
  readonly media: MediaResolver;
  protected readonly fs: StoreFs;
  private readonly options: PackLibraryOptions;
  private queue: Promise<unknown> = Promise.resolve();
  private currentImport: AbortController | null = null;
  private readonly changedListeners = new Set<Listener<InstalledPack[]>>();

  constructor(options: PackLibraryOptions) {
    this.options = options;
    this.dataDir = resolve(options.dataDir);
    this.fs = options.fs ?? fastStoreFs;
    this.store = new ContentStore(this.dataDir, { fs: this.fs });
    this.index = new PackIndex(this.dataDir, this.fs);
    this.media = new StoreMediaResolver(this.store, this.index);
  }

  /** Subscribe to "installed packs changed"; returns the unsubscribe function. */
  onChanged(listener: Listener<InstalledPack[]>): () => void {
    this.changedListeners.add(listener);
    return () => this.changedListeners.delete(listener);
  }

  async list(): Promise<InstalledPack[]> {
    return (await this.index.read()).packs.map(toInstalledPack);
  }

  async installed(id: string): Promise<InstalledPackRecord | null> {
    return this.index.get(id);
  }

  /**
   * Import a `.tpk`, or every `.tpk` in a folder (and its TeachPoint/ subfolder), one at a time.
   * Only one import runs per library; a second call while one runs is refused (import.busy).
   */
  async import(path: string, options: ImportOptions = {}): Promise<ImportResult[]> {
    let files: string[];
    try {
      const st = await fs.promises.stat(path);
      files = st.isDirectory() ? await findPackFiles(path) : [path];
    } catch (err) {
      throw importError('import.not-found', { path, errno: (err as NodeJS.ErrnoException).code ?? null });
    }
    if (files.length === 0) throw importError('import.no-packs', { path });
    if (this.currentImport) throw importError('import.busy');
    const ac = new AbortController();
    const onOuterAbort = () => ac.abort();
    options.signal?.addEventListener('abort', onOuterAbort);
    if (options.signal?.aborted) ac.abort();
    this.currentImport = ac;
    const results: ImportResult[] = [];
    try {
      for (const file of files) {
        const trust = await loadTrust(this.dataDir, this.options.trustedRootFiles ?? []);
        const result = await this.exclusive(() =>
          importPack(file, {
            store: this.store,
            index: this.index,
            fs: this.fs,
            ...trust,
            reserveBytes: options.reserveBytes ?? this.options.reserveBytes ?? DEFAULT_RESERVE_BYTES,
            signal: ac.signal,
            ...(options.onProgress ? { onProgress: options.onProgress } : {}),
            ...(options.force !== undefined ? { force: options.force } : {}),
            ...(this.options.diskFree ? { diskFree: this.options.diskFree } : {}),
            ...(this.options.afterBlob ? { afterBlob: this.options.afterBlob } : {}),
          }),
        );
        results.push(result);
        if (!result.alreadyInstalled) await this.emitChanged();
      }
    } finally {
      options.signal?.removeEventListener('abort', onOuterAbort);
      this.currentImport = null;
    }
    return results;
  }

  /**
   * Install a pack whose manifest verified and whose blobs a download already committed to the
   * store (electron/host/downloads): the importer's atomic index switch, under the library lock.
   */
  async installDownloaded(pack: InstallablePack): Promise<{ previousVersion: number | null; alreadyInstalled: boolean; bytesFreed: number }> {
    const r = await this.exclusive(() => installVerifiedPack(pack, { store: this.store, index: this.index, fs: this.fs }));
    if (!r.alreadyInstalled) await this.emitChanged();
    return r;
  }

  /** Abort the running import, if any. */
  cancelImport(): boolean {
    if (!this.currentImport) return false;
    this.currentImport.abort();
    return true;
  }

  async remove(id: string): Promise<{ id: string; version: number; bytesFreed: number }> {
    const r = await this.exclusive(() => removePack(this.store, this.index, id));
    await this.emitChanged();
    return r;
  }

  /** Write installed packs as verified `.tpk` files into `toDir` (free space checked first). */
  async export(ids: readonly string[], toDir: string, options: { signal?: AbortSignal } = {}): Promise<{ files: ExportedPack[]; freeBytesBefore: number | null }> {
    const trust = await loadTrust(this.dataDir, this.options.trustedRootFiles ?? []);
    // Reads the store only, but blobs must not be collected under it: take the lock.
    return this.exclusive(() =>
      exportPacks(ids, resolve(toDir), {
        store: this.store,
        index: this.index,
        ...trust,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(this.options.diskFree ? { diskFree: this.options.diskFree } : {}),
      }),
    );
  }

  /** `.tpk` packs at `dir` (root and TeachPoint/), read from their manifests, compared with installed ones. */
  async scanDirectory(dir: string): Promise<FoundPack[]> {
    let installed: Map<string, number>;
    try {
      installed = new Map((await this.index.read()).packs.map((p) => [p.id, p.version]));
    } catch (err) {
      if (err instanceof TeachPointError) installed = new Map();
      else throw err;
    }
    return scanForPacks(dir, installed);
  }

  /** Where trusted root keys dropped in by a technician live. */
  get trustDir(): string {
    return join(this.dataDir, 'trust');
  }

  /**
   * Re-hash every blob (bad ones → quarantine/), then delete blobs nothing references (left by
   * imports that were interrupted and never resumed). Packs with a quarantined blob stay listed;
   * importing the pack again restores the blob.
   */
  async scrub(): Promise<ScrubReport & { orphansRemoved: number; orphanBytesFreed: number }> {
    return this.exclusive(async () => {
      try {
        const report = await this.store.scrub();
        const gc = await this.store.gc(await this.index.referencedBlobs());
        return { ...report, orphansRemoved: gc.removed, orphanBytesFreed: gc.bytesFreed };
      } catch (err) {
        throw destinationError(err); // a full disk (quarantine/ cannot be made) → store.disk-full
      }
    });
  }

  /**
   * Run `fn` alone: after earlier library calls, holding the cross-process data-dir lock. Public so
   * the teacher's materials (device/materials.ts) write the same store under the same lock and queue.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      await this.store.init();
      const release = await acquireDataLock(this.dataDir, this.fs);
      try {
        await this.store.cleanStaleTemps();
        return await fn();
      } finally {
        await release();
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  protected async emitChanged(): Promise<void> {
    if (this.changedListeners.size === 0) return;
    const packs = await this.list();
    for (const l of this.changedListeners) l(packs);
  }

}

export function toInstalledPack(r: InstalledPackRecord): InstalledPack {
  return {
    id: r.id,
    version: r.version,
    title: r.title,
    publisher: r.publisher,
    installedAt: r.installedAt,
    bytes: r.bytes,
    resourceCount: r.resourceCount,
  };
}
