import { z } from 'zod';
import { TrustedKeySchema } from '../../../sync/protocol/pull';
import { defineEvent, defineMethod } from '../define';

/**
 * Pack downloads from the cloud (issue 8, docs/downloads.md). The sync engine learns of a release
 * through pull (`packReleases`) and asks the host to fetch it; the host downloads only the blobs its
 * content store lacks, resumably, hashes every byte, and installs through the same atomic switch as
 * a USB import. Not privileged: sync runs in the background with no teacher present, and the host
 * installs only what verifies against the trusted county certificates.
 */

export const DownloadKey = z.object({
  packId: z.string().min(1).max(200),
  version: z.number().int().nonnegative(),
});
export type DownloadKey = z.infer<typeof DownloadKey>;

/** A pack release as pull delivers it (PackReleaseSchema in sync/protocol/pull.ts). */
export const DownloadRequest = DownloadKey.extend({
  /** Lowercase hex sha256 of the exact manifest.json bytes; the host refuses any other manifest. */
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Sum of the pack's blob sizes (the whole pack; a delta download moves fewer bytes). */
  totalBytes: z.number().nonnegative(),
});
export type DownloadRequest = z.infer<typeof DownloadRequest>;

export const DownloadStateName = z.enum(['queued', 'downloading', 'verifying', 'installing', 'installed', 'paused', 'failed']);
export type DownloadStateName = z.infer<typeof DownloadStateName>;

/** The error a failed (or retrying) download shows: a TeachPointError's code and both messages. */
export const DownloadError = z.object({
  code: z.string(),
  message: z.object({ zh: z.string(), en: z.string() }),
});
export type DownloadError = z.infer<typeof DownloadError>;

export const DownloadState = DownloadKey.extend({
  state: DownloadStateName,
  /** Bytes of this pack present in the store or partial files (blobs already held count as done). */
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  /** Transfer rate over the last seconds; 0 when idle. */
  bytesPerSecond: z.number().nonnegative(),
  /** Seconds left at the current rate; null until enough is measured. */
  etaSeconds: z.number().nonnegative().nullable(),
  /** Last error: set when failed, and while waiting to retry after a network error (state stays downloading/queued). */
  error: DownloadError.optional(),
});
export type DownloadState = z.infer<typeof DownloadState>;

export const downloadsMethods = {
  'downloads.start': defineMethod(
    'Queue a pack release for download (idempotent: an already queued/installed release is left as is); persisted, resumes after restart',
    DownloadRequest.strict(),
    DownloadState,
  ),
  'downloads.list': defineMethod('Every queued, running, paused, failed or recently installed download', z.object({}).strict(), z.array(DownloadState)),
  'downloads.cancel': defineMethod(
    'Cancel a download and drop it from the queue (partial blob files stay for a later resume; the library is unchanged)',
    DownloadKey.strict(),
    z.object({ cancelled: z.boolean() }),
  ),
  'downloads.setBandwidth': defineMethod(
    'Cap bulk download traffic (bytes/s; null = no cap) — the sync engine sets it during class hours so the classroom link stays usable; applies at once',
    z.object({ bytesPerSecond: z.number().positive().nullable() }).strict(),
    z.object({ bytesPerSecond: z.number().positive().nullable() }),
  ),
  'downloads.addTrust': defineMethod(
    'Hand the host the trust documents pull brought (county certificates, revocation lists); each is kept only if the device’s own roots signed it — revocations then refuse that key in USB imports and downloads alike',
    z.object({ documents: z.array(TrustedKeySchema).max(1000) }).strict(),
    z.object({ stored: z.array(z.string()), refused: z.array(z.object({ id: z.string(), codes: z.array(z.string()) })), removed: z.array(z.string()) }),
  ),
};

export const downloadsEvents = {
  'downloads.progress': defineEvent('State of one download changed or bytes arrived (at most about 4 per second per download)', DownloadState),
};
