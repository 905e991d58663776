import * as fs from 'node:fs';
import { join } from 'node:path';
import { storeError } from './errors';
import { nodeStoreFs, writeFileAtomic, type StoreFs } from './fs-seam';
import { materialBlobs } from './materials-index';

export interface BlobRef {
  sha256: string;
  size: number;
  mime: string;
}

/** One installed pack version, as recorded in `packs.json`. */
export interface InstalledPackRecord {
  id: string;
  version: number;
  title: { 'zh-CN': string; [lang: string]: string };
  /** Key id of the publisher certificate that signed this version. */
  publisher: string;
  installedAt: string;
  /** Directory (relative to the data dir) holding the pack's verbatim non-blob entries (manifest.json, manifest.sig, …). */
  metaDir: string;
  /** Sum of the sizes of the distinct blobs this pack references. */
  bytes: number;
  resourceCount: number;
  blobs: BlobRef[];
}

export interface PackIndexFile {
  format: 'teachpoint-pack-index';
  formatVersion: 1;
  /** Bumped on every write; lets readers notice a change cheaply. */
  generation: number;
  packs: InstalledPackRecord[];
}

const EMPTY: PackIndexFile = { format: 'teachpoint-pack-index', formatVersion: 1, generation: 0, packs: [] };

/**
 * The installed-packs index: one JSON file replaced atomically (temp + fsync + rename + dir fsync).
 * Installing, updating or removing a pack is exactly one `write()`: before it the old set is
 * visible, after it the new one; there is no in-between state on disk.
 */
export class PackIndex {
  readonly path: string;
  private cache: { mtimeMs: number; size: number; ino: number; value: PackIndexFile } | null = null;

  constructor(readonly dataDir: string, private readonly sfs: StoreFs = nodeStoreFs) {
    this.path = join(dataDir, 'packs.json');
  }

  /** Current index (re-read only when the file changed, e.g. the CLI imported while the app runs). */
  async read(): Promise<PackIndexFile> {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return structuredCloneIndex(EMPTY);
      throw err;
    }
    const c = this.cache;
    if (c && c.mtimeMs === st.mtimeMs && c.size === st.size && c.ino === st.ino) return c.value;
    const text = await fs.promises.readFile(this.path, 'utf8');
    let value: PackIndexFile;
    try {
      value = JSON.parse(text) as PackIndexFile;
    } catch {
      throw storeError('store.bad-index', { path: this.path });
    }
    if (value?.format !== 'teachpoint-pack-index' || !Array.isArray(value.packs)) throw storeError('store.bad-index', { path: this.path });
    this.cache = { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, value };
    return value;
  }

  async get(id: string): Promise<InstalledPackRecord | null> {
    return (await this.read()).packs.find((p) => p.id === id) ?? null;
  }

  /** Atomically replace the whole index with `packs` (sorted by id for stable diffs). */
  async write(packs: InstalledPackRecord[]): Promise<PackIndexFile> {
    const prev = await this.read();
    const next: PackIndexFile = {
      format: 'teachpoint-pack-index',
      formatVersion: 1,
      generation: prev.generation + 1,
      packs: [...packs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    };
    await writeFileAtomic(this.sfs, this.path, JSON.stringify(next, null, 1) + '\n', this.dataDir);
    this.cache = null;
    return next;
  }

  /**
   * Every blob the device must keep: those an installed pack references AND those a teacher's own
   * material uses (`materials.json`, content-packs/store/materials-index.ts). The one "referenced
   * set" every deletion (import switch, pack removal, gc) is checked against.
   */
  async referencedBlobs(): Promise<Set<string>> {
    const set = await materialBlobs(this.dataDir);
    for (const p of (await this.read()).packs) for (const b of p.blobs) set.add(b.sha256);
    return set;
  }
}

function structuredCloneIndex(v: PackIndexFile): PackIndexFile {
  return { ...v, packs: [...v.packs] };
}
