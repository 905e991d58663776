/**
 * Push: the device sends a byte-bounded batch of outbox items; the server stores them idempotently
 * and acknowledges. `POST /api/v1/push`, `Authorization: Bearer <device token>`,
 * `Content-Type: application/json`, optionally `Content-Encoding: gzip` (recommended).
 *
 * Ack by id, compactly: every event id and record id in the request that is NOT listed in
 * `rejected` is acknowledged — stored now, stored before ("already have it" is success), or, for a
 * mutable record, superseded by a newer version the server already had (it comes down with pull).
 * The client deletes exactly those outbox rows, and only after it has this answer.
 */
import { z } from 'zod';
import type { ClassRecord, LearnerRecord, AssignmentRecord, ProgressEvent, RecordTable } from '../../common/records/records';
import { RECORD_TABLES } from '../../common/records/records';
import { CursorSchema, DeviceStatusSchema, IsoTime, ProtocolVersionField } from './common';
import { ITEM_REJECTION_CODES } from './errors';

/**
 * The envelope. Items are `unknown` here on purpose: the server validates each item with its own
 * record schema (common/records) so one bad item is rejected alone instead of failing the batch.
 */
export const PushRequestSchema = z.object({
  protocolVersion: ProtocolVersionField,
  /** Client-made id of this batch (UUIDv7), echoed in the ack and in server logs. */
  batchId: z.string().min(1).max(64),
  events: z.array(z.unknown()).default([]),
  records: z
    .object({
      classes: z.array(z.unknown()).optional(),
      learners: z.array(z.unknown()).optional(),
      assignments: z.array(z.unknown()).optional(),
    })
    .default({}),
  status: DeviceStatusSchema.optional(),
  /** The client's saved pull cursor: lets the server say in the ack that a pull would find nothing. */
  cursor: CursorSchema.nullable().optional(),
});

/** What a client builds (typed items). */
export interface PushRequest {
  protocolVersion: number;
  batchId: string;
  events: ProgressEvent[];
  records: { classes?: ClassRecord[]; learners?: LearnerRecord[]; assignments?: AssignmentRecord[] };
  status?: z.input<typeof DeviceStatusSchema>;
  cursor?: string | null;
}

export const PushItemKindSchema = z.enum(['events', ...RECORD_TABLES]);
export type PushItemKind = 'events' | RecordTable;

export const PushRejectionSchema = z.object({
  kind: PushItemKindSchema,
  /** The item's id, or `#<index>` when the item had no usable id. */
  id: z.string(),
  code: z.enum(ITEM_REJECTION_CODES),
  message: z.object({ zh: z.string(), en: z.string() }),
});
export type PushRejection = z.infer<typeof PushRejectionSchema>;

export const PushAckSchema = z.object({
  protocolVersion: ProtocolVersionField,
  batchId: z.string(),
  /** Items stored by this request (new events, records that won the merge). */
  stored: z.number().int().min(0),
  /** Items the server already had, or older than the server's copy. Also acknowledged. */
  duplicates: z.number().int().min(0),
  rejected: z.array(PushRejectionSchema),
  /**
   * Non-null only when the request carried `cursor` and a pull would find nothing for this device
   * after it: the client saves this cursor and skips its pull (an idle sync with events = 1 round trip).
   */
  cursor: CursorSchema.nullable(),
  serverTime: IsoTime,
});
export type PushAck = z.infer<typeof PushAckSchema>;
