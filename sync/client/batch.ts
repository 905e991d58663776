/**
 * Byte-bounded push batches (DESIGN §5.3: 16–64 KB compressed). Outbox items become one compact
 * JSON `PushRequest`; the batch grows until its gzip size would pass `maxWireBytes`. The request is
 * built from what the store holds now, so a mutable record edited twice goes up once, in its latest
 * state, and both outbox rows are acknowledged with it.
 */
import type { ClassRecord, LearnerRecord, AssignmentRecord, ProgressEvent } from '../../common/records/records';
import { uuidv7 } from '../../common/ids/uuidv7';
import { LIMITS, PROTOCOL_VERSION, type DeviceStatus, type OutboxItem, type PushRequest } from '../protocol/index';
import { gzip, utf8 } from './gzip';

export const DEFAULT_MAX_WIRE_BYTES = 48 * 1024;

export interface PushBatch {
  request: PushRequest;
  /** `JSON.stringify(request)`: what the transport sends. */
  json: string;
  /** Outbox rows this batch covers (acknowledged when the server acks the batch, minus rejections). */
  outboxIds: string[];
  /** Outbox rows whose record is gone from its table: nothing to send, acknowledge them locally. */
  orphanIds: string[];
  /** Which outbox rows each sent item stands for, to turn `rejected` (kind + id) back into rows. */
  itemRows: Map<string, string[]>;
  /** gzip size of `json`. */
  wireBytes: number;
  /** Items in the request (events + records). */
  itemCount: number;
}

export interface BuildPushBatchOptions {
  maxWireBytes?: number;
  /** Bound on the uncompressed JSON too (default: the server's decompressed limit); the bridge transport has its own body limit. */
  maxJsonBytes?: number;
  maxItems?: number;
  status?: DeviceStatus;
  cursor?: string | null;
  batchId?: string;
}

export function itemKey(kind: string, id: string): string {
  return `${kind}\u0000${id}`;
}

function assemble(items: readonly OutboxItem[], options: BuildPushBatchOptions, batchId: string): Omit<PushBatch, 'wireBytes'> {
  const events: ProgressEvent[] = [];
  const records: { classes?: ClassRecord[]; learners?: LearnerRecord[]; assignments?: AssignmentRecord[] } = {};
  const itemRows = new Map<string, string[]>();
  const outboxIds: string[] = [];
  const orphanIds: string[] = [];
  for (const item of items) {
    if (item.record === undefined || item.record === null) {
      orphanIds.push(item.outboxId);
      continue;
    }
    outboxIds.push(item.outboxId);
    const key = itemKey(item.table, item.recordId);
    const rows = itemRows.get(key);
    if (rows) {
      rows.push(item.outboxId); // same record again: sent once, acknowledged for both rows
      continue;
    }
    itemRows.set(key, [item.outboxId]);
    if (item.table === 'events') events.push(item.record as ProgressEvent);
    else ((records[item.table] ??= []) as unknown[]).push(item.record);
  }
  const request: PushRequest = { protocolVersion: PROTOCOL_VERSION, batchId, events, records };
  if (options.status) request.status = options.status;
  if (options.cursor !== undefined) request.cursor = options.cursor;
  return { request, json: JSON.stringify(request), outboxIds, orphanIds, itemRows, itemCount: itemRows.size };
}

/**
 * The largest prefix of `items` (they come oldest-first within priority) whose gzip body fits
 * `maxWireBytes`. Compresses the candidate, and when it is too big shrinks the prefix in proportion
 * and tries again (a few rounds at most: event JSON compresses evenly).
 */
export async function buildPushBatch(items: readonly OutboxItem[], options: BuildPushBatchOptions = {}): Promise<PushBatch> {
  const maxWireBytes = Math.min(options.maxWireBytes ?? DEFAULT_MAX_WIRE_BYTES, LIMITS.pushMaxWireBytes);
  const maxItems = Math.min(options.maxItems ?? LIMITS.pushMaxItems, LIMITS.pushMaxItems);
  // The server's decompressed limit, with room for the envelope.
  const maxJsonBytes = Math.min(options.maxJsonBytes ?? Infinity, LIMITS.pushMaxJsonBytes - 1024);
  const batchId = options.batchId ?? uuidv7();
  let count = Math.min(items.length, maxItems);
  for (;;) {
    const candidate = assemble(items.slice(0, count), options, batchId);
    const json = utf8(candidate.json);
    const fitsJson = json.byteLength <= maxJsonBytes;
    const wireBytes = fitsJson ? (await gzip(json)).byteLength : Infinity;
    if ((wireBytes <= maxWireBytes && fitsJson) || count <= 1) return { ...candidate, wireBytes };
    const ratio = fitsJson ? maxWireBytes / wireBytes : maxJsonBytes / json.byteLength;
    count = Math.max(1, Math.min(count - 1, Math.floor(count * ratio * 0.95)));
  }
}
