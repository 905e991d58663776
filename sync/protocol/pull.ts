/**
 * Pull: server-owned and shared records for the device's school, changed after the client's cursor.
 * `POST /api/v1/pull`, `Authorization: Bearer <device token>`. The answer is gzip-compressed when the
 * client sends `Accept-Encoding: gzip`.
 *
 * - The cursor is opaque. `null` means "from the beginning". Save the returned cursor only after the
 *   page's changes are applied (in the same local transaction); re-applying a page is harmless.
 * - `more: true` means another page is ready now: pull again with the new cursor.
 * - Deletions are soft: a record arrives with `deleted: true` and the client applies it like any
 *   other version (LWW by `incomingWins`). Records the device itself pushed are not echoed back.
 * - Unknown keys in `changes` must be ignored by old clients (additive evolution).
 */
import { z } from 'zod';
import { AssignmentRecordSchema, ClassRecordSchema, LearnerRecordSchema } from '../../common/records/records';
import { CursorSchema, DeviceStatusSchema, IsoTime, ProtocolVersionField } from './common';

export const PullRequestSchema = z.object({
  protocolVersion: ProtocolVersionField,
  cursor: CursorSchema.nullable(),
  limit: z.number().int().min(1).optional(),
  status: DeviceStatusSchema.optional(),
});
export type PullRequest = z.input<typeof PullRequestSchema>;

/** A pack released to the device's school (by 学段/学科/版本 or by school). Filled by the pack routes. */
export const PackReleaseSchema = z.object({
  id: z.string(),
  packId: z.string(),
  version: z.number().int().min(0),
  title: z.object({ 'zh-CN': z.string() }).catchall(z.string()),
  /** sha256 of manifest.json's bytes; `GET /api/v1/packs/<packId>/<version>/manifest` serves them. */
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Sum of the pack's blob sizes (what a device with none of them downloads). */
  totalBytes: z.number().int().min(0),
  releasedAt: IsoTime,
  updatedAt: IsoTime,
  /** Withdrawn release. */
  deleted: z.boolean(),
});
export type PackRelease = z.infer<typeof PackReleaseSchema>;

/**
 * Trust material the device should hold: county publisher certificates and revocation lists, as the
 * documents content-packs/format/trust.ts defines (`teachpoint-cert/1`, `teachpoint-revocations/1`).
 * The device parses `document` with those schemas and verifies it against its built-in roots.
 */
export const TrustedKeySchema = z.object({
  id: z.string(),
  kind: z.enum(['certificate', 'revocations']),
  document: z.record(z.unknown()),
  updatedAt: IsoTime,
  deleted: z.boolean(),
});
export type TrustedKey = z.infer<typeof TrustedKeySchema>;

export const PullChangesSchema = z.object({
  classes: z.array(ClassRecordSchema).optional(),
  learners: z.array(LearnerRecordSchema).optional(),
  assignments: z.array(AssignmentRecordSchema).optional(),
  packReleases: z.array(PackReleaseSchema).optional(),
  trustedKeys: z.array(TrustedKeySchema).optional(),
});
export type PullChanges = z.infer<typeof PullChangesSchema>;
export const PULL_CHANGE_KINDS = ['classes', 'learners', 'assignments', 'packReleases', 'trustedKeys'] as const;
export type PullChangeKind = (typeof PULL_CHANGE_KINDS)[number];

export const PullResponseSchema = z.object({
  protocolVersion: ProtocolVersionField,
  /** Changes are omitted per kind when empty (an idle pull is a few dozen bytes). */
  changes: PullChangesSchema,
  cursor: CursorSchema.nullable(),
  more: z.boolean(),
  serverTime: IsoTime,
});
export type PullResponse = z.infer<typeof PullResponseSchema>;
