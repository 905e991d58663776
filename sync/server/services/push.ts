/**
 * Push ingest (docs/sync-protocol.md §4): the one idempotent path for network pushes AND USB bundles.
 * Events: INSERT … ON CONFLICT (id) DO NOTHING. Records: last-writer-wins with `incomingWins`, never
 * across schools. Everything in one transaction; every item not rejected is acknowledged.
 */
import type { z } from 'zod';
import { RECORD_SCHEMAS, RECORD_TABLES, incomingWins, type ProgressEvent, type RecordTable } from '../../../common/records/records';
import type { PushAck, PushRejection, PushRequestSchema } from '../../protocol/push';
import { PROTOCOL_VERSION } from '../../protocol/version';
import type { CloudContext } from '../context';
import { takeChangeLock, type Queryable } from '../db/db';
import { deviceStatusUpdate, saveDeviceStatus } from './device-status';
import { checkEvent } from './event-check';
import { probePull } from './pull';
import { zodIssueLines } from '../../../common/errors/zod-issues';

export type ParsedPush = z.output<typeof PushRequestSchema>;

export interface PushDevice {
  deviceId: string;
  schoolId: string;
}

interface MutableRecord {
  id: string;
  updatedAt: string;
  updatedBy: string;
  deleted: boolean;
}

const invalid = (kind: PushRejection['kind'], id: string, issue: string): PushRejection => ({
  kind,
  id,
  code: 'push.invalid-item',
  message: {
    zh: `这条数据格式不对，云端没有保存（${issue}）。它不会被重发；请把问题报告给县电教馆。`,
    en: `This item is malformed and was not stored (${issue}). It will not be re-sent; please report it to county staff.`,
  },
});

const foreign = (kind: RecordTable, id: string): PushRejection => ({
  kind,
  id,
  code: 'push.foreign-record',
  message: {
    zh: '这条记录的编号属于另一所学校，云端没有保存。它不会被重发。',
    en: 'This record id belongs to another school; it was not stored and will not be re-sent.',
  },
});

function itemId(item: unknown, index: number): string {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : `#${index}`;
}

function firstIssue(error: z.ZodError): string {
  const i = error.issues[0];
  return i ? zodIssueLines([i])[0]! : 'invalid';
}

export async function ingestPush(ctx: CloudContext, device: PushDevice, req: ParsedPush): Promise<PushAck> {
  const rejected: PushRejection[] = [];
  const events: ProgressEvent[] = [];
  req.events.forEach((item, i) => {
    const r = checkEvent(item);
    if (r.ok) events.push(r.event);
    else rejected.push(invalid('events', itemId(item, i), firstIssue(r.error)));
  });
  // Per kind, the winning version of each id within this batch.
  const records = new Map<RecordTable, Map<string, MutableRecord>>();
  for (const kind of RECORD_TABLES) {
    const items = req.records[kind] ?? [];
    const byId = new Map<string, MutableRecord>();
    items.forEach((item, i) => {
      const r = RECORD_SCHEMAS[kind].safeParse(item);
      if (!r.success) {
        rejected.push(invalid(kind, itemId(item, i), firstIssue(r.error)));
        return;
      }
      const rec = r.data as MutableRecord;
      const seen = byId.get(rec.id);
      if (!seen || incomingWins(seen, rec)) byId.set(rec.id, rec);
    });
    if (byId.size) records.set(kind, byId);
  }
  const recordCount = [...records.values()].reduce((n, m) => n + m.size, 0);
  const totalRecordItems = RECORD_TABLES.reduce((n, k) => n + (req.records[k]?.length ?? 0), 0);
  const now = ctx.clock();

  // The common case, events only: ONE statement (atomic on its own) inserts them and records the
  // device status. With records: one transaction around the merge.
  const stored = recordCount
    ? await ctx.db.tx(async (q) => {
        let storedCount = events.length ? await insertEvents(q, device, events, now) : 0;
        storedCount += await mergeRecords(q, device, records, rejected);
        await saveDeviceStatus(q, device.deviceId, 'push', now, req.status);
        return storedCount;
      })
    : await insertEventsWithStatus(ctx.db, device, events, now, req.status);

  const validItems = events.length + totalRecordItems - rejected.filter((r) => r.kind !== 'events').length;
  const cursor = req.cursor !== undefined ? await probePull(ctx, device, req.cursor) : null;
  return {
    protocolVersion: PROTOCOL_VERSION,
    batchId: req.batchId,
    stored,
    duplicates: Math.max(0, validItems - stored),
    rejected,
    cursor,
    serverTime: now.toISOString(),
  };
}

const INSERT_EVENTS = `INSERT INTO events (id, school_id, device_id, learner_id, class_id, verb, object_id, pack_id, created_at, received_at, result)
     SELECT e.id, $2, $3, e."learnerId", e."classId", e.verb, e."objectId", e."packId", e."createdAt", $4, e.result
       FROM jsonb_to_recordset($1::jsonb) AS e(id uuid, "learnerId" text, "classId" text, verb text, "objectId" text, "packId" text, "createdAt" timestamptz, result jsonb)
     ON CONFLICT (id) DO NOTHING`;

/** Inserts events (ON CONFLICT (id) DO NOTHING); returns how many were new. */
async function insertEvents(q: Queryable, device: PushDevice, events: ProgressEvent[], now: Date): Promise<number> {
  const r = await q.query(INSERT_EVENTS, [JSON.stringify(events), device.schoolId, device.deviceId, now]);
  return r.rowCount;
}

/** The same, with the device status update in the same statement (events-only pushes: one round trip). */
async function insertEventsWithStatus(q: Queryable, device: PushDevice, events: ProgressEvent[], now: Date, status: ParsedPush['status']): Promise<number> {
  const params = [JSON.stringify(events), device.schoolId, device.deviceId, now];
  const u = deviceStatusUpdate(params.length + 1, device.deviceId, 'push', now, status);
  const r = await q.query<{ stored: number }>(
    `WITH ins AS (${INSERT_EVENTS} RETURNING 1), st AS (${u.sql} RETURNING 1)
     SELECT (SELECT count(*) FROM ins)::integer AS stored, (SELECT count(*) FROM st)::integer AS touched`,
    [...params, ...u.params],
  );
  return Number(r.rows[0]!.stored);
}

async function mergeRecords(q: Queryable, device: PushDevice, records: Map<RecordTable, Map<string, MutableRecord>>, rejected: PushRejection[]): Promise<number> {
  await takeChangeLock(q);
  const keys = [...records].flatMap(([kind, m]) => [...m.keys()].map((id) => ({ kind, id })));
  const current = await q.query<{ kind: RecordTable; id: string; school_id: string; updated_at: string; updated_by: string }>(
    `SELECT r.kind, r.id, r.school_id, r.data->>'updatedAt' AS updated_at, r.updated_by
       FROM records r JOIN jsonb_to_recordset($1::jsonb) AS k(kind text, id text) ON r.kind = k.kind AND r.id = k.id
      FOR UPDATE OF r`,
    [JSON.stringify(keys)],
  );
  const existing = new Map(current.rows.map((r) => [`${r.kind}\u0000${r.id}`, r]));
  const winners: { kind: RecordTable; id: string; data: MutableRecord }[] = [];
  for (const [kind, m] of records) {
    for (const [id, rec] of m) {
      const cur = existing.get(`${kind}\u0000${id}`);
      if (cur && cur.school_id !== device.schoolId) {
        rejected.push(foreign(kind, id));
        continue;
      }
      if (cur && !incomingWins({ updatedAt: cur.updated_at, updatedBy: cur.updated_by }, rec)) continue; // server copy is newer: acked, comes down with pull
      winners.push({ kind, id, data: rec });
    }
  }
  if (!winners.length) return 0;
  const r = await q.query(
    `INSERT INTO records (kind, id, school_id, data, updated_at, updated_by, deleted, seq, last_writer_device)
     SELECT w.kind, w.id, $2, w.data, (w.data->>'updatedAt')::timestamptz, w.data->>'updatedBy', (w.data->>'deleted')::boolean, nextval('change_seq'), $3
       FROM jsonb_to_recordset($1::jsonb) AS w(kind text, id text, data jsonb)
     ON CONFLICT (kind, id) DO UPDATE SET
       data = EXCLUDED.data, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by,
       deleted = EXCLUDED.deleted, seq = EXCLUDED.seq, last_writer_device = EXCLUDED.last_writer_device
     WHERE records.school_id = EXCLUDED.school_id`,
    [JSON.stringify(winners), device.schoolId, device.deviceId],
  );
  return r.rowCount;
}
