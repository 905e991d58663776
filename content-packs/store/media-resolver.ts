import * as fs from 'node:fs';
import { SHA256_HEX, type MediaBlob, type MediaResolver } from '../../common/media/media';
import type { ContentStore } from './content-store';
import type { PackIndex } from './pack-index';

/**
 * `/media/<sha256>` → file, for transports (HTTP server, Electron protocol). Answers only for a
 * well-formed sha256 that an installed pack references AND whose blob is in the store; the
 * path is built from the hash, never from request text. The index is re-read when it changes.
 */
export class StoreMediaResolver implements MediaResolver {
  private generation = -1;
  private map = new Map<string, { size: number; mime: string }>();

  constructor(private readonly store: ContentStore, private readonly index: PackIndex) {}

  async resolve(sha256: string): Promise<MediaBlob | null> {
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) return null;
    const idx = await this.index.read();
    if (idx.generation !== this.generation || this.map.size === 0) {
      const map = new Map<string, { size: number; mime: string }>();
      for (const p of idx.packs) for (const b of p.blobs) if (!map.has(b.sha256)) map.set(b.sha256, { size: b.size, mime: b.mime });
      this.map = map;
      this.generation = idx.generation;
    }
    const ref = this.map.get(sha256);
    if (!ref) return null;
    const path = this.store.blobPath(sha256);
    try {
      const st = await fs.promises.stat(path);
      if (!st.isFile()) return null;
      return { path, size: st.size, mime: ref.mime, sha256 };
    } catch {
      return null;
    }
  }
}
