import { z } from 'zod';
import { PullChangesSchema } from '../../../sync/protocol/pull';
import { defineMethod } from '../define';
import { ImportResult } from './packs';
import { teacherSessionField } from './teacher';

/**
 * USB bundles (docs/bundles.md). Progress goes out in three steps because the outbox lives in the
 * renderer (Dexie) and a bridge request is at most 1 MiB: `progressBegin` (where, how many batches)
 * → `progressAppend` (a few batches at a time, written to the stick at once) → `progressFinish`
 * (the host seals the file with the device token's key and renames it into place). The renderer
 * never sees the token. Inbound bundles are found on sticks and imported by the host, which hands
 * the verified records back for the renderer to apply like a pull page.
 */

export const ProgressExportId = z.string().min(8).max(64);

export const WrittenProgressBundle = z.object({
  path: z.string(),
  fileName: z.string(),
  bundleId: z.string(),
  bytes: z.number().int().nonnegative(),
  batches: z.number().int().nonnegative(),
  items: z.number().int().nonnegative(),
});
export type WrittenProgressBundle = z.infer<typeof WrittenProgressBundle>;

/** An inbound bundle on a stick, read and verified (signature + certificate chain) but not imported. */
export const FoundInboundBundle = z.object({
  path: z.string(),
  fileName: z.string(),
  bundleId: z.string().nullable(),
  schoolName: z.string().nullable(),
  createdAt: z.string().nullable(),
  packs: z.number().int().nonnegative(),
  /** Records it carries (all kinds). */
  records: z.number().int().nonnegative(),
  /** ok: authentic and for this computer's school · wrong-school · not-enrolled · invalid: damaged, altered or untrusted */
  status: z.enum(['ok', 'wrong-school', 'not-enrolled', 'invalid']),
  error: z.object({ code: z.string(), message: z.object({ zh: z.string(), en: z.string() }) }).nullable(),
});
export type FoundInboundBundle = z.infer<typeof FoundInboundBundle>;

export const InboundImportResult = z.object({
  bundleId: z.string(),
  /** The server the cursor belongs to: this computer's cloud as enrolled (the sync engine's cursor key). */
  cloudUrl: z.string(),
  /** Apply with `SyncStore.applyPull(cloudUrl, changes, cursor)` — the same path as a pull page. */
  changes: PullChangesSchema,
  cursor: z.string().nullable(),
  packs: z.array(ImportResult),
  /** Outbox rows the cloud has acknowledged through this bundle (progress bundles it ingested): `SyncStore.ackOutbox`. */
  ackedOutboxIds: z.array(z.string()),
});
export type InboundImportResult = z.infer<typeof InboundImportResult>;

export const bundlesMethods = {
  'bundles.progressBegin': defineMethod(
    'Start writing a progress bundle into a folder (a USB stick); the batch count is fixed here',
    z.object({ toDir: z.string().min(1), batches: z.number().int().nonnegative(), items: z.number().int().nonnegative(), ...teacherSessionField }).strict(),
    z.object({ exportId: ProgressExportId, fileName: z.string() }),
  ),
  'bundles.progressAppend': defineMethod(
    'Append PushRequest batches (JSON objects, in order) to the progress bundle being written',
    z.object({ exportId: ProgressExportId, batches: z.array(z.record(z.unknown())).min(1) }).strict(),
    z.object({ written: z.number().int().nonnegative() }),
  ),
  'bundles.progressFinish': defineMethod(
    'Seal the progress bundle (HMAC with the device key), fsync and rename it into place; remember which outbox rows it carried',
    z.object({ exportId: ProgressExportId, outboxIds: z.array(z.string().min(1)) }).strict(),
    WrittenProgressBundle,
  ),
  'bundles.progressAbort': defineMethod('Drop an unfinished progress bundle (its temp file is removed)', z.object({ exportId: ProgressExportId }).strict(), z.object({ aborted: z.boolean() })),
  'bundles.scanInbound': defineMethod(
    'Inbound bundles (.tpinbound) in a folder (a stick root and its TeachPoint/ folder), verified',
    z.object({ dir: z.string().min(1) }).strict(),
    z.array(FoundInboundBundle),
  ),
  'bundles.importInbound': defineMethod(
    'Verify an inbound bundle, install its packs one by one through the importer, and return its records and acks for the renderer to apply',
    z.object({ path: z.string().min(1), ...teacherSessionField }).strict(),
    InboundImportResult,
  ),
};
