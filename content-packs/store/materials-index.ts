import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Material } from '../../common/bridge/methods/materials';
import { storeError } from './errors';
import { nodeStoreFs, writeFileAtomic, type StoreFs } from './fs-seam';

export interface MaterialsIndexFile {
  format: 'teachpoint-materials-index';
  formatVersion: 1;
  /** Bumped on every write; lets readers (the media resolver) notice a change cheaply. */
  generation: number;
  materials: Material[];
}

const EMPTY: MaterialsIndexFile = { format: 'teachpoint-materials-index', formatVersion: 1, generation: 0, materials: [] };

export const MATERIALS_INDEX_FILE = 'materials.json';

/**
 * The teacher's own files (我的资料): one JSON file replaced atomically (temp + fsync + rename + dir
 * fsync), exactly like the pack index. Adding, attaching or removing a material is one `write()`.
 */
export class MaterialsIndex {
  readonly path: string;
  private cache: { mtimeMs: number; size: number; ino: number; value: MaterialsIndexFile } | null = null;

  constructor(readonly dataDir: string, private readonly sfs: StoreFs = nodeStoreFs) {
    this.path = join(dataDir, MATERIALS_INDEX_FILE);
  }

  async read(): Promise<MaterialsIndexFile> {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ...EMPTY, materials: [] };
      throw err;
    }
    const c = this.cache;
    if (c && c.mtimeMs === st.mtimeMs && c.size === st.size && c.ino === st.ino) return c.value;
    let value: MaterialsIndexFile;
    try {
      value = JSON.parse(await fs.promises.readFile(this.path, 'utf8')) as MaterialsIndexFile;
    } catch {
      throw storeError('store.bad-index', { path: this.path });
    }
    if (value?.format !== 'teachpoint-materials-index' || !Array.isArray(value.materials)) throw storeError('store.bad-index', { path: this.path });
    this.cache = { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, value };
    return value;
  }

  /** Atomically replace the whole list (kept in the order given: newest first by convention). */
  async write(materials: Material[]): Promise<MaterialsIndexFile> {
    const prev = await this.read();
    const next: MaterialsIndexFile = { format: 'teachpoint-materials-index', formatVersion: 1, generation: prev.generation + 1, materials };
    await writeFileAtomic(this.sfs, this.path, JSON.stringify(next, null, 1) + '\n', this.dataDir);
    this.cache = null;
    return next;
  }
}

/**
 * Every blob a teacher's material uses (the file and its thumbnail). Part of the set garbage
 * collection must keep: PackIndex.referencedBlobs() adds these, so no pack update/removal and no gc
 * ever deletes a material's bytes.
 */
export async function materialBlobs(dataDir: string): Promise<Set<string>> {
  const set = new Set<string>();
  for (const m of (await new MaterialsIndex(dataDir).read()).materials) {
    set.add(m.blob.sha256);
    if (m.thumbnail) set.add(m.thumbnail.sha256);
  }
  return set;
}
