import { execFile } from 'node:child_process';

/**
 * How blobs are made durable before they get their final name:
 *  - 'syncfs' (Linux): blobs are written to temp files, then ONE `sync -f <dir>` (syncfs(2):
 *    data and metadata of the whole filesystem) flushes a whole batch, then the batch is renamed
 *    into place, and one more flush before the index switch persists the renames. Group commit:
 *    a few flushes per GiB instead of one fsync per file plus one per directory, which on ext4
 *    costs a journal commit each (measured: hundreds of ms per 100 small blobs).
 *  - 'fsync' (Windows, macOS, or when `sync -f` is unavailable): fsync each temp file before its
 *    rename (FlushFileBuffers on Windows), fsync touched directories before the index switch.
 * Either way a blob is flushed before it is renamed, and everything is flushed before the index
 * that references it is written.
 */
export type Durability = 'syncfs' | 'fsync';

export function defaultDurability(platform: NodeJS.Platform = process.platform): Durability {
  return platform === 'linux' ? 'syncfs' : 'fsync';
}

/** syncfs(2) of the filesystem holding `path` via coreutils `sync -f` (8.24+, 2015). Resolves false if it cannot. */
export function syncFileSystem(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('sync', ['-f', path], { timeout: 10 * 60 * 1000 }, (err) => resolve(!err));
  });
}
