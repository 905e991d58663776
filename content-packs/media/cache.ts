/**
 * Transcode cache: outputs of the media pipeline keyed by sha256(pipeline version + profile +
 * input sha256), so rebuilding a pack after editing one lesson only re-encodes what changed.
 *
 * Layout: `<dir>/v<PIPELINE_VERSION>/<k0k1>/<key>/{meta.json, out.<ext>, thumb.jpg}`. An entry is
 * assembled in a temp folder next to it and renamed into place, so a crash never leaves half an
 * entry; a damaged entry (missing file, wrong size) counts as a miss. Node 16 APIs only.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PIPELINE_VERSION, type MediaProfile } from './plan';
import { SHA256_HEX } from '../../common/media/media';

export interface CacheFile {
  /** File name inside the entry (e.g. "out.mp4", "thumb.jpg"). */
  name: string;
  size: number;
}

export interface CacheEntry<M> {
  dir: string;
  meta: M;
  files: CacheFile[];
  path(name: string): string;
}

/** `--cache` default: $XDG_CACHE_HOME or ~/.cache (Linux/macOS), %LOCALAPPDATA% on Windows, + teachpoint/tpk. */
export function defaultCacheDir(): string {
  if (process.platform === 'win32' && process.env.LOCALAPPDATA) return join(process.env.LOCALAPPDATA, 'teachpoint', 'tpk', 'cache');
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'teachpoint', 'tpk');
}

export function cacheKey(inputSha256: string, profile: MediaProfile, extra = ''): string {
  return createHash('sha256').update(`teachpoint-media|v${PIPELINE_VERSION}|${JSON.stringify(profile)}|${extra}|${inputSha256}`).digest('hex');
}

export class TranscodeCache {
  readonly root: string;

  constructor(dir: string) {
    this.root = join(dir, `v${PIPELINE_VERSION}`);
  }

  /**
   * Hash index (like git's): sha256 of a file remembered under its path + size + mtime + inode, so
   * a rebuild does not re-read unchanged media just to find its hash. Callers that use a hash from
   * here must verify the bytes later (tpk build lets the pack writer re-hash them).
   */
  async getHash(path: string, stamp: { size: number; mtimeMs: number; ino: number }): Promise<string | null> {
    try {
      const v = (await readFile(this.hashIndexPath(path, stamp), 'utf8')).trim();
      return SHA256_HEX.test(v) ? v : null;
    } catch {
      return null;
    }
  }

  async putHash(path: string, stamp: { size: number; mtimeMs: number; ino: number }, sha256: string): Promise<void> {
    const file = this.hashIndexPath(path, stamp);
    await mkdir(join(file, '..'), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await writeFile(tmp, sha256);
    await rename(tmp, file).catch(() => rm(tmp, { force: true }));
  }

  /** Forget every remembered hash (after the pack writer caught a stale one). */
  async clearHashIndex(): Promise<void> {
    await rm(join(this.root, 'hash-index'), { recursive: true, force: true });
  }

  private hashIndexPath(path: string, stamp: { size: number; mtimeMs: number; ino: number }): string {
    const k = createHash('sha256').update(`${path}\n${stamp.size}\n${stamp.mtimeMs}\n${stamp.ino}`).digest('hex');
    return join(this.root, 'hash-index', k.slice(0, 2), k);
  }

  entryDir(key: string): string {
    return join(this.root, key.slice(0, 2), key);
  }

  async get<M>(key: string): Promise<CacheEntry<M> | null> {
    const dir = this.entryDir(key);
    let record: { meta: M; files: CacheFile[] };
    try {
      record = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as { meta: M; files: CacheFile[] };
    } catch {
      return null;
    }
    for (const f of record.files) {
      try {
        if ((await stat(join(dir, f.name))).size !== f.size) return null;
      } catch {
        return null;
      }
    }
    return { dir, meta: record.meta, files: record.files, path: (name) => join(dir, name) };
  }

  /**
   * Store files (moved from `files[].from` when `move`, else copied) and meta under `key`.
   * Returns the new entry. Concurrent writers of the same key: the first rename wins.
   */
  async put<M>(key: string, meta: M, files: Array<{ name: string; from: string }>, options: { move?: boolean } = {}): Promise<CacheEntry<M>> {
    const dir = this.entryDir(key);
    const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await mkdir(tmp, { recursive: true });
    try {
      const listed: CacheFile[] = [];
      for (const f of files) {
        const dest = join(tmp, f.name);
        if (options.move) {
          try {
            await rename(f.from, dest);
          } catch {
            await copyFile(f.from, dest);
            await rm(f.from, { force: true });
          }
        } else {
          await copyFile(f.from, dest);
        }
        listed.push({ name: f.name, size: (await stat(dest)).size });
      }
      await writeFile(join(tmp, 'meta.json'), JSON.stringify({ meta, files: listed }));
      await rm(dir, { recursive: true, force: true });
      try {
        await rename(tmp, dir);
      } catch {
        // someone else won the race; theirs is as good as ours
        await rm(tmp, { recursive: true, force: true });
      }
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
    const entry = await this.get<M>(key);
    if (!entry) throw new Error(`transcode cache: entry ${key} vanished after write`);
    return entry;
  }
}
