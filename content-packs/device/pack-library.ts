import type { InstalledPack, ImportProgress, ImportResult, ExportedPack } from '../../common/bridge/methods/packs';
import type { FoundPack } from '../../common/bridge/methods/drives';
import type { MediaResolver } from '../../common/media/media';
import { ContentStore, type ScrubReport } from '../store/content-store';
import { nodeStoreFs, type StoreFs } from '../store/fs-seam';
import { acquireDataLock } from '../store/lock';
import { PackIndex, type InstalledPackRecord } from '../store/pack-index';
import { StoreMediaResolver } from '../store/media-resolver';
import { importError } from '../import/errors';
import { removePack } from '../import/remove-pack';

export interface PackLibraryOptions {
  dataDir: string;
  /** Seam for injected faults (ENOSPC, EIO) in tests; node:fs otherwise. */
  fs?: StoreFs;
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
 * Mutations are serialised in-process and locked across processes (`<data>/lock`).
 */
export class PackLibrary {
  readonly dataDir: string;
  readonly store: ContentStore;
  readonly index: PackIndex;
  readonly media: MediaResolver;
  protected readonly fs: StoreFs;
  private queue: Promise<unknown> = Promise.resolve();
  private currentImport: AbortController | null = null;
  private readonly changedListeners = new Set<Listener<InstalledPack[]>>();

  constructor(options: PackLibraryOptions) {
    this.dataDir = options.dataDir;
    this.fs = options.fs ?? nodeStoreFs;
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

  async import(_path: string, _options: ImportOptions = {}): Promise<ImportResult[]> {
    throw importError('import.bad-pack', { reason: 'importer not wired yet' });
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

  async export(_ids: string[], _toDir: string): Promise<{ files: ExportedPack[]; freeBytesBefore: number | null }> {
    throw importError('export.write-failed', { reason: 'exporter not wired yet' });
  }

  async scanDirectory(_dir: string): Promise<FoundPack[]> {
    return [];
  }

  async scrub(): Promise<ScrubReport> {
    return this.exclusive(() => this.store.scrub());
  }

  /** Run `fn` alone: after earlier library calls, holding the cross-process data-dir lock. */
  protected exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      await this.store.init();
      const release = await acquireDataLock(this.dataDir);
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

  protected setCurrentImport(c: AbortController | null): void {
    this.currentImport = c;
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
