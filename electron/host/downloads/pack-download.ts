import { createHash } from 'crypto';
import type { DownloadRequest, DownloadStateName } from '../../../common/bridge/methods/downloads';
import { type TeachPointError } from '../../../common/errors/errors';
import { MANIFEST_ENTRY, MAX_MANIFEST_BYTES, SIGNATURE_ENTRY, manifestBlobs } from '../../../content-packs/format/manifest';
import { verifySignedManifest } from '../../../content-packs/format/pack-reader';
import type { PackLibrary } from '../../../content-packs/device/pack-library';
import { BoundedPool } from '../../../content-packs/import/blob-plan';
import { importErrorFromProblems, type TrustInput } from '../../../content-packs/import/open-verified';
import { diskFree as probeDiskFree, type DiskSpace } from '../../../content-packs/store/disk-space';
import type { PendingBlob } from '../../../content-packs/store/content-store';
import { storeError } from '../../../content-packs/store/errors';
import { nodeEd25519 } from '../../../content-packs/node/ed25519-node';
import { backoffDelayMs } from '../../../sync/protocol/backoff';
import { downloadBlobOnce, type BlobTransferStats, type ResumeState } from './blob-download';
import { downloadError, isRetryable } from './errors';
import { httpGet, readBody } from './http-get';
import type { ByteRateLimiter } from './rate-limit';

/** Free bytes that must remain after a download (same default as a USB import). */
export const DOWNLOAD_RESERVE_BYTES = 500 * 1024 * 1024;
const MAX_SIGNATURE_BYTES = 64 * 1024;
/** Blob downloads in flight (connections) — see the comment at the pool. */
const BLOBS_AT_ONCE = 2;

export interface PackDownloadProgress {
  state: DownloadStateName;
  /** Bytes of the pack's blobs present (store + partial files). */
  bytesDone: number;
  bytesTotal: number;
  /** Set while waiting to retry after a network error. */
  error?: TeachPointError;
}

export interface PackDownloadOptions {
  library: PackLibrary;
  cloudUrl: string;
  token: string;
  release: DownloadRequest;
  trust: TrustInput;
  limiter?: ByteRateLimiter;
  signal?: AbortSignal;
  idleTimeoutMs?: number;
  reserveBytes?: number;
  diskFree?: (path: string) => Promise<DiskSpace>;
  onProgress?: (p: PackDownloadProgress) => void;
  /** Seam for tests and the bench (default Math.random / setTimeout). */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface PackDownloadResult {
  packId: string;
  version: number;
  alreadyInstalled: boolean;
  blobsFetched: number;
  blobsSkipped: number;
  /** Bytes of blobs this download had to bring (the delta). */
  bytesNeeded: number;
  transfer: BlobTransferStats;
}

/**
 * Download one released pack version and install it (docs/downloads.md):
 *  1. manifest + manifest.sig with the device token; sha256(manifest) must equal the release's
 *     manifestSha256; signature and certificate chain verified like a USB import (same trust);
 *  2. only the blobs the content store lacks (a pack update is a delta), each resumed from its
 *     partial file and hashed before it is committed (blob-download.ts);
 *  3. the importer's atomic index switch (installVerifiedPack) under the library lock.
 * Network failures retry with full-jitter backoff — at once when the failed attempt moved bytes (the
 * link is up, a cut is not congestion) — until done or cancelled. Anything else throws with the
 * library unchanged and partial files kept.
 */
export async function downloadPack(o: PackDownloadOptions): Promise<PackDownloadResult> {
  const { library, release } = o;
  const base = o.cloudUrl.replace(/\/+$/, '');
  const auth = { Authorization: `Bearer ${o.token}` };
  const transfer: BlobTransferStats = { bytesReceived: 0, cuts: 0, maxLostBytes: 0 };
  const net = { idleTimeoutMs: o.idleTimeoutMs, signal: o.signal };
  let bytesDone = 0;
  const progress = (state: DownloadStateName, error?: TeachPointError): void => o.onProgress?.({ state, bytesDone, bytesTotal: release.totalBytes, ...(error ? { error } : {}) });
  const retry = retrier(o, (err) => progress('downloading', err));

  progress('verifying');
  // Free space is asked for meanwhile (df / PowerShell take ~0.1 s or more), as the importer does.
  const spaceP = (o.diskFree ?? probeDiskFree)(library.dataDir).catch(() => null);
  const manifestUrl = `${base}/api/v1/packs/${encodeURIComponent(release.packId)}/${release.version}/manifest`;
  const manifestBytes = await retry(() => fetchSmall(manifestUrl, auth, MAX_MANIFEST_BYTES, net), () => false);
  const actualSha = createHash('sha256').update(manifestBytes).digest('hex');
  if (actualSha !== release.manifestSha256) throw downloadError('download.manifest-mismatch', { packId: release.packId, version: release.version, expected: release.manifestSha256, actual: actualSha });
  const signatureBytes = await retry(() => fetchSmall(`${manifestUrl}.sig`, auth, MAX_SIGNATURE_BYTES, net), () => false);
  const verification = await verifySignedManifest(manifestBytes, signatureBytes, { ...o.trust, now: o.trust.now ?? new Date(), ed25519: nodeEd25519 });
  if (!verification.ok || !verification.manifest) throw importErrorFromProblems(verification.problems, manifestUrl);
  const manifest = verification.manifest;
  if (manifest.id !== release.packId || manifest.version !== release.version) {
    throw downloadError('download.manifest-mismatch', { packId: release.packId, version: release.version, manifestId: manifest.id, manifestVersion: manifest.version });
  }

  const blobs = manifestBlobs(manifest);
  const installed = await library.installed(manifest.id);
  if (installed && installed.version === manifest.version) {
    bytesDone = release.totalBytes;
    progress('installed');
    return { packId: manifest.id, version: manifest.version, alreadyInstalled: true, blobsFetched: 0, blobsSkipped: blobs.length, bytesNeeded: 0, transfer };
  }
  const missing: typeof blobs = [];
  for (const b of blobs) {
    if (await library.store.has(b.sha256, b.size)) bytesDone += b.size;
    else missing.push(b);
  }
  const bytesNeeded = missing.reduce((s, b) => s + b.size, 0);
  const space = await spaceP;
  const reserve = o.reserveBytes ?? DOWNLOAD_RESERVE_BYTES;
  if (space && space.freeBytes < bytesNeeded + reserve) {
    throw storeError('store.disk-full', { neededBytes: bytesNeeded, reserveBytes: reserve, freeBytes: space.freeBytes });
  }

  progress('downloading');
  await library.store.init();
  const resume = new Map<string, ResumeState>();
  const blobsUrl = `${base}/blobs/`;
  // Verified blobs are committed (fsync + rename) one after another in the background while the
  // next blob downloads: the link does not idle during an fsync.
  let commits: Promise<void> = Promise.resolve();
  let commitFailure: unknown = null;
  const commitInBackground = (p: PendingBlob): void => {
    commits = commits.then(() => (commitFailure ? p.discard() : library.store.commitOne(p))).catch((err: unknown) => {
      commitFailure ??= err;
    });
  };
  // Two blobs at a time over two connections on the one (capped) link: while one is between
  // requests (reconnecting after a cut, finishing a blob), the other keeps the link busy.
  // The first failure stops the other at its next chunk.
  const stop = new AbortController();
  const onOuterAbort = (): void => stop.abort();
  o.signal?.addEventListener('abort', onOuterAbort);
  if (o.signal?.aborted) stop.abort();
  const blobRetry = retrier({ ...o, signal: stop.signal }, (err) => progress('downloading', err));
  const pool = new BoundedPool(BLOBS_AT_ONCE);
  const fetchOne = async (blob: (typeof missing)[number]): Promise<void> => {
    let credited = 0; // bytes of this blob counted in bytesDone
    let movedSinceFailure = false;
    try {
      const verified = await blobRetry(
        () => {
          movedSinceFailure = false;
          return downloadBlobOnce({
            store: library.store,
            blobsUrl,
            sha256: blob.sha256,
            size: blob.size,
            resume,
            stats: transfer,
            signal: stop.signal,
            ...(o.limiter ? { limiter: o.limiter } : {}),
            ...(o.idleTimeoutMs ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
            onResumeFrom: (bytes) => {
              bytesDone += bytes - credited;
              credited = bytes;
            },
            onBytes: (n) => {
              if (n > 0) movedSinceFailure = true;
              credited += n;
              bytesDone += n;
              progress('downloading');
            },
          });
        },
        () => movedSinceFailure,
      );
      commitInBackground(verified);
    } catch (err) {
      stop.abort();
      throw err;
    }
  };
  try {
    for (const blob of missing) {
      if (commitFailure || pool.error) break;
      await pool.add(() => fetchOne(blob));
    }
    await pool.drain();
  } catch (err) {
    await pool.settle();
    await commits;
    // A sibling stopped by the first failure reports "cancelled": report the real cause, unless the caller cancelled.
    throw o.signal?.aborted ? downloadError('download.cancelled') : err;
  } finally {
    o.signal?.removeEventListener('abort', onOuterAbort);
  }
  await commits;
  if (commitFailure) throw commitFailure;

  progress('installing');
  const result = await library.installDownloaded({
    manifest,
    metaFiles: [
      [MANIFEST_ENTRY, manifestBytes],
      [SIGNATURE_ENTRY, signatureBytes],
    ],
    blobs,
  });
  bytesDone = release.totalBytes;
  progress('installed');
  return { packId: manifest.id, version: manifest.version, alreadyInstalled: result.alreadyInstalled, blobsFetched: missing.length, blobsSkipped: blobs.length - missing.length, bytesNeeded, transfer };
}

/** GET a small authenticated document (manifest, signature); maps statuses to download errors. */
async function fetchSmall(url: string, headers: Record<string, string>, maxBytes: number, net: { idleTimeoutMs?: number | undefined; signal?: AbortSignal | undefined }): Promise<Buffer> {
  const res = await httpGet(url, { headers, ...(net.idleTimeoutMs ? { idleTimeoutMs: net.idleTimeoutMs } : {}), ...(net.signal ? { signal: net.signal } : {}) });
  const status = res.statusCode ?? 0;
  if (status === 200) return readBody(res, maxBytes);
  res.resume();
  if (status === 401 || status === 403) throw downloadError('download.not-enrolled', { status });
  if (status === 404 || status === 410) throw downloadError('download.not-released', { status, url });
  if (status >= 500 || status === 429) throw downloadError('download.http', { status, url });
  throw downloadError('download.bad-response', { status, url });
}

/**
 * Retry `fn` on network errors: at once when `madeProgress()` says the failed attempt moved bytes,
 * else after a full-jitter backoff (first ≤ 2 s, cap 10 min). Other errors pass through.
 */
function retrier(o: Pick<PackDownloadOptions, 'random' | 'sleep' | 'signal'>, onWait: (err: TeachPointError) => void) {
  const random = o.random ?? Math.random;
  const sleep = o.sleep ?? abortableSleep;
  return async <T>(fn: () => Promise<T>, madeProgress: () => boolean): Promise<T> => {
    let attempt = 0;
    for (;;) {
      if (o.signal?.aborted) throw downloadError('download.cancelled');
      try {
        return await fn();
      } catch (err) {
        if (o.signal?.aborted) throw downloadError('download.cancelled');
        if (!isRetryable(err)) throw err;
        if (madeProgress()) attempt = 0;
        else {
          onWait(err as TeachPointError);
          await sleep(backoffDelayMs(attempt++, random), o.signal);
        }
      }
    }
  };
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
