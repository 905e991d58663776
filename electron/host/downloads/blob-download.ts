import { createHash, type Hash } from 'crypto';
import * as fs from 'fs';
import type { ContentStore, PartialBlob, PendingBlob } from '../../../content-packs/store/content-store';
import { downloadError } from './errors';
import { asNetworkError, httpGet } from './http-get';
import type { ByteRateLimiter } from './rate-limit';

/**
 * Bytes gathered in memory before one positional write to the partial file. A cut flushes what is
 * gathered (those bytes are a correct prefix: TCP delivers in order, and the whole blob is hashed
 * before it becomes visible), so only a killed process loses its unwritten tail: ≤ one chunk.
 */
export const DOWNLOAD_CHUNK_BYTES = 1024 * 1024;

/** What this process knows of a partial file between attempts: the hash over its first `bytes`. */
export interface ResumeState {
  hash: Hash;
  bytes: number;
}

export interface BlobTransferStats {
  /** Blob body bytes received from the network (every attempt). */
  bytesReceived: number;
  /** Attempts that ended in a network error (cuts, idle sockets). */
  cuts: number;
  /** Largest number of received bytes one attempt lost (not in the partial file afterwards). */
  maxLostBytes: number;
}

export interface BlobDownloadOptions {
  store: ContentStore;
  /** `<cloudUrl>/blobs/` — blobs need no token (content-addressed, public, cacheable). */
  blobsUrl: string;
  sha256: string;
  size: number;
  resume: Map<string, ResumeState>;
  stats: BlobTransferStats;
  limiter?: ByteRateLimiter;
  signal?: AbortSignal;
  idleTimeoutMs?: number;
  /** Bytes of this blob newly in the partial file (progress). */
  onBytes?: (n: number) => void;
  /** Called once with the bytes the partial file already held (progress, resume). */
  onResumeFrom?: (bytes: number) => void;
}

/**
 * One attempt at one blob: continue its partial file (`tmp/partial/<sha256>`) with `Range` +
 * `If-Range: "<sha256>"`, hash every byte as it arrives (continuing the hash over the bytes
 * already there), and when all `size` bytes are in and the hash matches, answer the verified file
 * as a PendingBlob: its commit() is the store's verify-then-move path (fsync, rename into content/). A network failure throws `download.network` with
 * the partial file holding every byte received; a hash mismatch deletes it and throws
 * `download.bad-blob`. The caller retries.
 */
export async function downloadBlobOnce(o: BlobDownloadOptions): Promise<PendingBlob> {
  const { store, sha256, size } = o;
  let partial = await store.openPartial(sha256);
  try {
    if (partial.size > size) partial = await restart(store, partial, o.resume);
    const state = await resumeHash(partial, o.resume);
    o.onResumeFrom?.(state.bytes);
    if (state.bytes < size) {
      const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
      if (state.bytes > 0) {
        headers['Range'] = `bytes=${state.bytes}-`;
        headers['If-Range'] = `"${sha256}"`;
      }
      const res = await httpGet(`${o.blobsUrl}${sha256}`, { headers, ...(o.signal ? { signal: o.signal } : {}), ...(o.idleTimeoutMs ? { idleTimeoutMs: o.idleTimeoutMs } : {}) });
      let from: number;
      if (res.statusCode === 206 && state.bytes > 0) {
        from = contentRangeStart(res.headers['content-range']);
        if (from !== state.bytes) {
          res.destroy();
          throw downloadError('download.bad-response', { sha256, reason: `Content-Range starts at ${from}, asked ${state.bytes}` });
        }
      } else if (res.statusCode === 200) {
        // If-Range did not match (or no Range was sent): the whole blob comes; start the file over.
        if (state.bytes > 0) {
          partial = await restart(store, partial, o.resume);
          o.onBytes?.(-state.bytes);
        }
        from = 0;
      } else {
        res.resume();
        if (res.statusCode === 416) {
          // The server holds fewer bytes than our partial file: it is not this blob's prefix.
          partial = await restart(store, partial, o.resume);
          throw downloadError('download.network', { sha256, reason: '416 on resume; starting the blob over' });
        }
        if (res.statusCode === 404) throw downloadError('download.not-released', { sha256, status: 404 });
        throw downloadError(res.statusCode && res.statusCode >= 500 || res.statusCode === 429 ? 'download.http' : 'download.bad-response', { sha256, status: res.statusCode ?? null });
      }
      await receive(res, partial, from, o);
    }
    const final = o.resume.get(sha256)!;
    if (final.bytes !== size) throw downloadError('download.network', { sha256, reason: 'response ended early', got: final.bytes, size });
    const actual = final.hash.digest('hex');
    o.resume.delete(sha256);
    await partial.close();
    if (actual !== sha256) {
      await store.deletePartial(sha256);
      throw downloadError('download.bad-blob', { sha256, actual });
    }
    return await store.commitPartial(sha256, size);
  } finally {
    await partial.close().catch(() => undefined);
  }
}

/** The hash over the partial file's bytes: from memory after an in-process retry, else re-read (after a restart). */
async function resumeHash(partial: PartialBlob, resume: Map<string, ResumeState>): Promise<ResumeState> {
  const known = resume.get(partial.sha256);
  if (known && known.bytes === partial.size) return known;
  const state: ResumeState = { hash: createHash('sha256'), bytes: 0 };
  if (partial.size > 0) {
    for await (const chunk of fs.createReadStream(partial.path, { start: 0, end: partial.size - 1 }) as AsyncIterable<Buffer>) {
      state.hash.update(chunk);
      state.bytes += chunk.length;
    }
  }
  resume.set(partial.sha256, state);
  return state;
}

async function restart(store: ContentStore, partial: PartialBlob, resume: Map<string, ResumeState>): Promise<PartialBlob> {
  await partial.close();
  await store.deletePartial(partial.sha256);
  resume.delete(partial.sha256);
  return store.openPartial(partial.sha256);
}

/** Stream the body into the partial file in DOWNLOAD_CHUNK_BYTES writes, hashing as it goes. */
async function receive(res: NodeJS.ReadableStream & { destroy(): void; complete?: boolean }, partial: PartialBlob, from: number, o: BlobDownloadOptions): Promise<void> {
  const state = o.resume.get(o.sha256) ?? { hash: createHash('sha256'), bytes: 0 };
  o.resume.set(o.sha256, state);
  const buf = Buffer.allocUnsafe(DOWNLOAD_CHUNK_BYTES);
  let fill = 0;
  let received = 0;
  let written = 0;
  const flush = async (): Promise<void> => {
    if (fill === 0) return;
    const piece = buf.subarray(0, fill);
    await partial.write(piece, fill, from + written);
    state.hash.update(piece);
    state.bytes += fill;
    written += fill;
    o.onBytes?.(fill);
    fill = 0;
  };
  let failure: unknown = null;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      received += chunk.length;
      o.stats.bytesReceived += chunk.length;
      if (from + received > o.size) {
        res.destroy();
        throw downloadError('download.bad-response', { sha256: o.sha256, reason: 'body longer than the blob' });
      }
      for (let at = 0; at < chunk.length; ) {
        const n = Math.min(chunk.length - at, buf.length - fill);
        chunk.copy(buf, fill, at, at + n);
        fill += n;
        at += n;
        if (fill === buf.length) await flush();
      }
      if (o.limiter) await o.limiter.take(chunk.length, o.signal);
      if (o.signal?.aborted) throw downloadError('download.cancelled');
    }
    if (!res.complete) throw downloadError('download.network', { sha256: o.sha256, reason: 'response cut short' });
  } catch (err) {
    failure = err;
  }
  // Keep every byte that arrived: a cut costs nothing already received (a write failure, e.g. a
  // full disk, loses at most this chunk).
  try {
    await flush();
  } catch (err) {
    failure = failure ?? err;
    if ((err as { code?: string }).code === 'store.disk-full') failure = err;
  }
  if (failure) {
    const lost = received - written;
    if (lost > o.stats.maxLostBytes) o.stats.maxLostBytes = lost;
    const e = asNetworkError(failure);
    if (e.code === 'download.network') o.stats.cuts++;
    throw e;
  }
}

function contentRangeStart(header: string | undefined): number {
  const m = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(header ?? '');
  return m ? Number(m[1]) : -1;
}
